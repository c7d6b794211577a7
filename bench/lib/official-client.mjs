// The official socket.io-client behind the minimal client's interface, so that a scenario can run with it
// instead (bench/client-check.mjs): the yardstick showing our load generator costs less than a real client.
import { io } from "socket.io-client";

export class OfficialClient {
  #s;
  closed;

  constructor(socket) {
    this.#s = socket;
    this.closed = new Promise((resolve) => socket.io.engine?.once("close", () => resolve()));
  }

  /** Connects over WebSocket only, like the minimal client. */
  static connect(port, opts = {}) {
    const s = io(`http://${opts.host ?? "127.0.0.1"}:${port}`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      timeout: opts.timeout ?? 10_000,
    });
    return new Promise((resolve, reject) => {
      s.once("connect", () => resolve(new OfficialClient(s)));
      s.once("connect_error", (err) => {
        s.disconnect();
        reject(err);
      });
    });
  }

  get id() {
    return this.#s.id;
  }

  on(event, fn) {
    this.#s.off(event);
    this.#s.on(event, (...args) => fn(args));
    return this;
  }

  emit(event, ...args) {
    this.#s.emit(event, ...args);
  }

  emitCb(event, args, fn) {
    this.#s.emit(event, ...args, (...reply) => fn(reply));
  }

  emitWithAck(event, ...args) {
    return new Promise((resolve) => this.emitCb(event, args, resolve));
  }

  close() {
    this.#s.disconnect();
    return Promise.resolve();
  }

  terminate() {
    this.#s.disconnect();
  }
}
