import { on, type Subscribable } from "@switchboard/emitter";
import type { Packet } from "./codec.js";
import { ProbeError } from "./errors.js";
import { LOG, createDebug } from "#log";
import type { BaseSocket, SocketEvents } from "./socket.js";
import type { Polling } from "./polling.js";
import type { Transport, TransportEvents } from "./transport.js";

// Calls are guarded by `LOG` (false in browser production builds, see #log) so that bundlers drop them.
const debug = /* @__PURE__ */ createDebug("engine.io-client:socket");

/**
 * Emits one of the socket's upgrade events (reserved events, which only the socket may emit): one function
 * rather than one hook per event keeps the socket to a single closure.
 */
export type ProbeEmit = <Ev extends "upgrading" | "upgrade" | "upgradeError">(
  ev: Ev,
  arg: Ev extends "upgradeError" ? Error : Transport,
) => void;

/**
 * Whether a connection last upgraded to (or opened on) WebSocket, for `rememberUpgrade`: one flag per page, as
 * in engine.io-client. Module state (read by the socket), changed only through {@link setPriorWebsocketSuccess}.
 */
export let priorWebsocketSuccess = false;

/** Sets {@link priorWebsocketSuccess}. @internal */
export function setPriorWebsocketSuccess(ok: boolean): void {
  priorWebsocketSuccess = ok;
}

/**
 * Upgrade polling to `transport`, a new transport created with the sid (docs/protocol.md §1.6): open it, send
 * `2probe`, wait for `3probe`, pause polling until its requests finish, then send `5` on the new transport and
 * flush there. Any failure leaves the session on polling and emits `upgradeError`.
 */
export function probe(socket: BaseSocket, transport: Transport, emit: ProbeEmit): void {
  const name = transport.name;
  if (LOG) debug('probing transport "%s"', name);
  let failed = false;
  let pausing = false;
  setPriorWebsocketSuccess(false);

  const freeze = (): void => {
    if (failed) return;
    failed = true;
    cleanup();
    transport.close();
  };
  const fail = (message: string): void => {
    if (failed) return;
    freeze();
    if (pausing && socket.readyState !== "closed") {
      // Failed after polling was paused for us: resume it, the session stays on polling.
      socket.upgrading = false;
      (socket.transport as Polling).resume();
      socket.flush();
    }
    if (LOG) debug('probe transport "%s" failed: %s', name, message);
    emit("upgradeError", new ProbeError(message, name));
  };
  const onPacket = (packet: Packet): void => {
    if (failed || pausing) return;
    if (packet.type !== "pong" || packet.data !== "probe") {
      fail("probe error");
      return;
    }
    if (LOG) debug('probe transport "%s" pong', name);
    socket.upgrading = true;
    pausing = true;
    emit("upgrading", transport);
    setPriorWebsocketSuccess(name === "websocket");
    // Upgrades start from polling only (BaseSocket.onOpen).
    (socket.transport as Polling).pause(() => {
      if (failed || socket.readyState === "closed") return;
      if (LOG) debug("changing transport and sending upgrade packet");
      cleanup();
      socket.setTransport(transport);
      transport.send([{ type: "upgrade" }]);
      socket.upgrading = false;
      emit("upgrade", transport);
      socket.flush();
    });
  };
  // Each emitter viewed with its reserved events (its own `on` is typed for user code); casts, not variables,
  // so the bundle carries no aliases.
  const subs = [
    on(transport as unknown as Subscribable<TransportEvents>, "open", () => {
      if (failed) return;
      if (LOG) debug('probe transport "%s" opened', name);
      transport.send([{ type: "ping", data: "probe" }]);
    }),
    on(transport as unknown as Subscribable<TransportEvents>, "packet", onPacket),
    on(transport as unknown as Subscribable<TransportEvents>, "error", (err: Error) =>
      fail(`probe error: ${err.message}`),
    ),
    on(transport as unknown as Subscribable<TransportEvents>, "close", () =>
      fail("transport closed"),
    ),
    on(socket as unknown as Subscribable<SocketEvents>, "close", () => fail("socket closed")),
    on(socket as unknown as Subscribable<SocketEvents>, "upgrading", (other: Transport) => {
      if (other !== transport) freeze();
    }),
  ];
  const cleanup = (): void => {
    for (const off of subs) off();
  };
  transport.open();
}
