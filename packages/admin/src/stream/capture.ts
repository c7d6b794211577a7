import type { AnyNamespace, AnySocket } from "../types.js";

type AnyListener = (...args: unknown[]) => void;

/** Where captured events go. */
export interface CaptureSink {
  /** Whether events are wanted right now (captures on and not all paused); read per event. */
  readonly emitting: boolean;
  received(socket: AnySocket, args: unknown[]): void;
  sent(socket: AnySocket, args: unknown[]): void;
  /** An event seen while every capture was paused. */
  skipped(): void;
}

/**
 * Per-event capture for development mode's event log, through the socket's own catch-all listener API
 * (`onAny` / `onAnyOutgoing`): added only while a capture is on, never to ignored namespaces (the
 * admin namespace does not log itself), removed when it stops.
 */
export class SocketCapture {
  readonly #sink: CaptureSink;
  readonly #hooks = new WeakMap<AnySocket, [AnyListener, AnyListener]>();
  // namespaces whose sockets are never captured, with a use count
  readonly #ignored = new Map<AnyNamespace, number>();

  constructor(sink: CaptureSink) {
    this.#sink = sink;
  }

  isIgnored(nsp: AnyNamespace): boolean {
    return this.#ignored.has(nsp);
  }

  /** Add one use of "ignore `nsp`"; returns whether it is the first. */
  ignore(nsp: AnyNamespace): boolean {
    const n = this.#ignored.get(nsp) ?? 0;
    this.#ignored.set(nsp, n + 1);
    return n === 0;
  }

  /** Remove one use of "ignore `nsp`"; returns whether it was the last. */
  unignore(nsp: AnyNamespace): boolean {
    const n = (this.#ignored.get(nsp) ?? 1) - 1;
    if (n > 0) this.#ignored.set(nsp, n);
    else this.#ignored.delete(nsp);
    return n <= 0;
  }

  hook(socket: AnySocket): void {
    if (this.#hooks.has(socket) || this.#ignored.has(socket.nsp)) return;
    const sink = this.#sink;
    const incoming: AnyListener = (...args) => {
      if (!sink.emitting) return sink.skipped();
      // The ack callback is the last argument when the client asked for one: not part of the event.
      if (typeof args[args.length - 1] === "function") args = args.slice(0, -1);
      sink.received(socket, args);
    };
    const outgoing: AnyListener = (...args) => {
      if (sink.emitting) sink.sent(socket, args);
      else sink.skipped();
    };
    socket.onAny(incoming);
    socket.onAnyOutgoing(outgoing);
    this.#hooks.set(socket, [incoming, outgoing]);
  }

  unhook(socket: AnySocket): void {
    const hooks = this.#hooks.get(socket);
    if (hooks === undefined) return;
    this.#hooks.delete(socket);
    socket.offAny(hooks[0]);
    socket.offAnyOutgoing(hooks[1]);
  }
}
