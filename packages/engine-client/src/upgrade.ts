import type { Packet } from "./codec.js";
import { ProbeError } from "./errors.js";
import { debug } from "./log.js";
import type { BaseSocket } from "./socket.js";
import type { Transport } from "./transport.js";

const log = debug("engine.io-client:socket");

/**
 * Emits one of the socket's upgrade events (reserved events, which only the socket may emit): one function
 * rather than one hook per event keeps the socket to a single closure.
 */
export type ProbeEmit = <Ev extends "upgrading" | "upgrade" | "upgradeError">(ev: Ev, arg: Ev extends "upgradeError" ? Error : Transport) => void;

/**
 * Upgrade polling to `name` (PROTOCOL.md §1.6): open the new transport with the sid, send `2probe`, wait for
 * `3probe`, pause polling until its requests finish, then send `5` on the new transport and flush there.
 * Any failure leaves the session on polling and emits `upgradeError`.
 */
export function probe(socket: BaseSocket, name: string, emit: ProbeEmit): void {
  log('probing transport "%s"', name);
  const transport = socket.createTransport(name);
  let failed = false;
  socket.setPriorWebsocketSuccess(false);

  const cleanup = (): void => {
    transport.off("open", onOpen);
    transport.off("packet", onPacket);
    transport.off("error", onError);
    transport.off("close", onTransportClose);
    socket.off("close", onSocketClose);
    socket.off("upgrading", onOtherUpgrade);
  };
  const freeze = (): void => {
    if (failed) return;
    failed = true;
    cleanup();
    transport.close();
  };
  let pausing = false;
  const fail = (message: string): void => {
    if (failed) return;
    freeze();
    if (pausing && socket.readyState !== "closed") {
      // Failed after polling was paused for us: resume it, the session stays on polling.
      socket.upgrading = false;
      socket.transport.resume();
      socket.flush();
    }
    log('probe transport "%s" failed: %s', name, message);
    emit("upgradeError", new ProbeError(message, name));
  };
  const onOpen = (): void => {
    if (failed) return;
    log('probe transport "%s" opened', name);
    transport.send([{ type: "ping", data: "probe" }]);
  };
  const onPacket = (packet: Packet): void => {
    if (failed) return;
    if (packet.type !== "pong" || packet.data !== "probe") {
      fail("probe error");
      return;
    }
    transport.off("packet", onPacket);
    log('probe transport "%s" pong', name);
    socket.upgrading = true;
    pausing = true;
    emit("upgrading", transport);
    socket.setPriorWebsocketSuccess(name === "websocket");
    socket.transport.pause(() => {
      if (failed || socket.readyState === "closed") return;
      log("changing transport and sending upgrade packet");
      cleanup();
      socket.setTransport(transport);
      transport.send([{ type: "upgrade" }]);
      socket.upgrading = false;
      emit("upgrade", transport);
      socket.flush();
    });
  };
  const onError = (err: Error): void => fail(`probe error: ${err.message}`);
  const onTransportClose = (): void => fail("transport closed");
  const onSocketClose = (): void => fail("socket closed");
  const onOtherUpgrade = (other: Transport): void => {
    if (other !== transport) freeze();
  };

  transport.on("open", onOpen);
  transport.on("packet", onPacket);
  transport.on("error", onError);
  transport.on("close", onTransportClose);
  socket.on("close", onSocketClose);
  socket.on("upgrading", onOtherUpgrade);
  transport.open();
}
