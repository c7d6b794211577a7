// A deliberately dumb client speaking Engine.IO v4 + Socket.IO v5 text over a raw `ws` connection, so the
// bad-input tests can send exactly the frames they want (docs/protocol.md §1.2, §2.2).
import WebSocket from "ws";
import { cleanup, withTimeout } from "./helpers.js";

type Frame = string | Buffer;

export interface RawOptions {
  path?: string;
  /** Answer Engine.IO pings ("2") with pongs ("3"); default true. */
  autoPong?: boolean;
}

export class RawClient {
  readonly ws: WebSocket;
  /** Engine.IO session id from the open packet. */
  sid = "";
  /** Resolves with the close code once the server (or anyone) closed the connection. */
  readonly closed: Promise<number>;
  #queue: Frame[] = [];
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  #autoPong: boolean;

  private constructor(url: string, autoPong: boolean) {
    this.#autoPong = autoPong;
    this.ws = new WebSocket(url);
    this.ws.on("error", () => {}); // a refused or reset connection shows up as `closed`
    this.ws.on("message", (data: Buffer, isBinary: boolean) =>
      this.#push(isBinary ? data : data.toString()),
    );
    this.closed = new Promise((resolve) => this.ws.on("close", (code: number) => resolve(code)));
    cleanup.add(() => this.ws.terminate());
  }

  /** Opens the WebSocket and waits for the Engine.IO open packet. */
  static async open(port: number, opts: RawOptions = {}): Promise<RawClient> {
    const path = opts.path ?? "/socket.io/";
    const client = new RawClient(
      `ws://127.0.0.1:${port}${path}?EIO=4&transport=websocket`,
      opts.autoPong ?? true,
    );
    const open = await client.next((f) => typeof f === "string" && f.startsWith("0"));
    client.sid = (JSON.parse((open as string).slice(1)) as { sid: string }).sid;
    return client;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Frame): void {
    this.ws.send(frame);
  }

  /** Sends CONNECT for `nsp` and returns the Socket.IO id from the reply. */
  async connect(nsp = "/", auth?: object): Promise<string> {
    const prefix = nsp === "/" ? "" : `${nsp},`;
    this.send(`40${prefix}${auth ? JSON.stringify(auth) : ""}`);
    const reply = (await this.next(
      (f) => typeof f === "string" && f.startsWith(`40${prefix}{`),
    )) as string;
    return (JSON.parse(reply.slice(2 + prefix.length)) as { sid: string }).sid;
  }

  /** The first unread frame matching `match` (waiting for it up to `ms`). */
  next(match: (f: Frame) => boolean = () => true, ms = 3000): Promise<Frame> {
    const i = this.#queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#queue.splice(i, 1)[0]!);
    const p = new Promise<Frame>((resolve) => this.#waiters.push({ match, resolve }));
    return withTimeout(p, ms, "a raw frame");
  }

  /** Resolves with the close code, or rejects when the connection is still open after `ms`. */
  closedWithin(ms = 3000): Promise<number> {
    return withTimeout(this.closed, ms, "the server to close the raw connection");
  }

  #push(frame: Frame): void {
    if (this.#autoPong && frame === "2") {
      this.ws.send("3");
      return;
    }
    const w = this.#waiters.findIndex((x) => x.match(frame));
    if (w >= 0) this.#waiters.splice(w, 1)[0]!.resolve(frame);
    else this.#queue.push(frame);
  }
}
