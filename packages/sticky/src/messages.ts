// The IPC messages between the primary and its workers. Our own `switchboard:sticky:*` names, so a
// worker never mistakes them for the messages of @socket.io/sticky (which uses a different framing).

/** Primary -> worker: here is a connection (the handle rides along) and the bytes already read from it. */
export interface ConnectionMessage {
  type: "switchboard:sticky:connection";
  /** The bytes the primary read to route the request (at least the request head), base64. */
  head: string;
}

/** Worker -> primary: `setupWorker` ran, so connections sent from now on are handled. */
export interface ReadyMessage {
  type: "switchboard:sticky:ready";
}

/** Worker -> primary: an Engine.IO session was created here / is gone. */
export interface SessionMessage {
  type: "switchboard:sticky:session" | "switchboard:sticky:session-closed";
  sid: string;
}

export const CONNECTION = "switchboard:sticky:connection";
export const READY = "switchboard:sticky:ready";
export const SESSION = "switchboard:sticky:session";
export const SESSION_CLOSED = "switchboard:sticky:session-closed";

/** Narrows an IPC message (anything the application also sends) to one of ours. */
export function isConnectionMessage(msg: unknown): msg is ConnectionMessage {
  return isObject(msg) && msg["type"] === CONNECTION && typeof msg["head"] === "string";
}

export function isReadyMessage(msg: unknown): msg is ReadyMessage {
  return isObject(msg) && msg["type"] === READY;
}

export function isSessionMessage(msg: unknown): msg is SessionMessage {
  return (
    isObject(msg) &&
    (msg["type"] === SESSION || msg["type"] === SESSION_CLOSED) &&
    typeof msg["sid"] === "string" &&
    msg["sid"].length > 0 &&
    msg["sid"].length <= 256
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
