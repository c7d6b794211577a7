// The admin socket: connects with the Switchboard client bundle (global `io`, loaded from the server's
// `<socketPath>/socket.io.min.js`), logs in with basic credentials, then keeps the session id the server
// hands out so that reconnections never resend the password.
import type { ClientEvents, ServerEvents } from "../../src/protocol.js";

/** The part of the client's Socket the page uses. */
export interface AdminSocket {
  /** The socket's id once connected (the page's own row in the sockets table). */
  readonly id?: string;
  readonly connected: boolean;
  readonly active: boolean;
  auth: Record<string, unknown>;
  on<E extends keyof ServerEvents>(event: E, listener: ServerEvents[E]): AdminSocket;
  on(event: "connect", listener: () => void): AdminSocket;
  on(event: "disconnect", listener: (reason: string) => void): AdminSocket;
  on(event: "connect_error", listener: (err: Error) => void): AdminSocket;
  emit<E extends keyof ClientEvents>(event: E, ...args: Parameters<ClientEvents[E]>): AdminSocket;
  connect(): AdminSocket;
  disconnect(): AdminSocket;
}

interface ClientOptions {
  path: string;
  auth: Record<string, unknown>;
  forceNew: boolean;
  autoConnect: boolean;
}

declare global {
  interface Window {
    io?: (uri: string, opts: ClientOptions) => AdminSocket;
  }
}

const SESSION_KEY = "switchboard-admin-session";

export function savedSession(): string | null {
  try {
    return sessionStorage.getItem(SESSION_KEY);
  } catch {
    return null;
  }
}

export function saveSession(id: string | null): void {
  try {
    if (id === null) sessionStorage.removeItem(SESSION_KEY);
    else sessionStorage.setItem(SESSION_KEY, id);
  } catch {
    // Storage disabled: the session simply does not survive a reload.
  }
}

export type ConnectionEvent =
  | { type: "connected" }
  | { type: "refused"; message: string; withSession: boolean }
  | { type: "reconnecting"; message: string }
  | { type: "disconnected"; reason: string };

/**
 * Open the admin socket. `auth` is `{ username, password }` or `{ sessionId }`. Listeners for the server's
 * events are attached by `wire` before connecting, so no early event (`session`, `config`) is missed.
 */
export function openAdminSocket(
  namespace: string,
  socketPath: string,
  auth: Record<string, unknown>,
  wire: (socket: AdminSocket) => void,
  onStatus: (ev: ConnectionEvent) => void,
): AdminSocket {
  const io = window.io;
  if (io === undefined)
    throw new Error(
      `the client bundle did not load from ${socketPath}/socket.io.min.js (is serveClient off?)`,
    );
  const withSession = "sessionId" in auth;
  const socket = io(namespace, { path: socketPath, auth, forceNew: true, autoConnect: false });
  socket.on("session", (id) => {
    if (typeof id !== "string") return;
    saveSession(id);
    // From now on reconnect with the session: the password is no longer kept anywhere.
    socket.auth = { sessionId: id };
  });
  socket.on("connect", () => onStatus({ type: "connected" }));
  socket.on("disconnect", (reason) => onStatus({ type: "disconnected", reason }));
  socket.on("connect_error", (err) => {
    // `active` is false when the server itself refused the namespace (middleware error): no retry follows.
    if (!socket.active)
      onStatus({
        type: "refused",
        message: err.message,
        withSession: withSession || "sessionId" in socket.auth,
      });
    else onStatus({ type: "reconnecting", message: err.message });
  });
  wire(socket);
  socket.connect();
  return socket;
}
