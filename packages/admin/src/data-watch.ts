import { namespacesOf } from "@switchboard/server";
import { redactData } from "./serialize.js";
import type { AnyNamespace, AnyServer, AnySocket } from "./types.js";

/**
 * Development mode's `socket_updated` for `socket.data`. The official server notices changes through a
 * Proxy it puts in place of the user's `socket.data`; this leaves the user's object alone and compares a
 * redacted snapshot of each socket's data on the stats timer (the official server's own 2 s period), so
 * changes within one period arrive as one update.
 */
export class DataWatch {
  readonly #last = new WeakMap<AnySocket, string>();

  /** Take `socket`'s current data as known (it was just sent whole, in `socket_connected`). */
  remember(socket: AnySocket): void {
    const snapshot = DataWatch.#snapshot(socket);
    if (snapshot !== undefined) this.#last.set(socket, snapshot[1]);
  }

  /** Call `changed` for every socket (outside `ignore`) whose data differs from the last snapshot. */
  check(
    io: AnyServer,
    ignore: AnyNamespace,
    changed: (socket: AnySocket, data: unknown) => void,
  ): void {
    for (const nsp of namespacesOf(io)) {
      if (nsp === ignore) continue;
      for (const socket of nsp.sockets.values()) {
        const snapshot = DataWatch.#snapshot(socket as AnySocket);
        if (snapshot === undefined) continue;
        const last = this.#last.get(socket as AnySocket);
        if (last === snapshot[1]) continue;
        this.#last.set(socket as AnySocket, snapshot[1]);
        // a socket never seen before (connected before instrument()) is only remembered
        if (last !== undefined) changed(socket as AnySocket, snapshot[0]);
      }
    }
  }

  static #snapshot(socket: AnySocket): [data: unknown, json: string] | undefined {
    const data = redactData(socket.data ?? {});
    try {
      return [data, JSON.stringify(data) ?? ""];
    } catch {
      return undefined; // not serialisable (e.g. a BigInt): nothing the UI could show either
    }
  }
}
