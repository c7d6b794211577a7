// A raw `ws` client that queues frames, so tests can `await ws.next()` in protocol order.
import WebSocket from "ws";
import { expect } from "vitest";
import { onCleanup, within, type TestServer } from "./server-harness.js";
import { parseOpen, type OpenPacket } from "./http-client.js";

export interface Frame {
  data: string | Buffer;
  binary: boolean;
}

export interface CloseEvent {
  code: number;
  reason: string;
}

export class WsClient {
  readonly ws: WebSocket;
  /** Resolves when the connection is open; rejects if the upgrade was refused or failed. */
  readonly opened: Promise<void>;
  readonly #closed: Promise<CloseEvent>;
  isClosed = false;
  error: Error | undefined;
  readonly #frames: Frame[] = [];
  #waiter: { resolve: (f: Frame) => void; reject: (e: Error) => void } | undefined;

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
      this.ws.once("close", () => reject(new Error("closed before open")));
    });
    this.opened.catch(() => undefined); // Tests that expect a refusal never await it.
    this.#closed = new Promise((resolve) => {
      this.ws.on("close", (code: number, reason: Buffer) => {
        this.isClosed = true;
        const w = this.#waiter;
        this.#waiter = undefined;
        w?.reject(new Error(`websocket closed (${code}) while waiting for a frame`));
        resolve({ code, reason: reason.toString() });
      });
    });
    this.ws.on("error", (err: Error) => {
      this.error = err;
    });
    this.ws.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const frame: Frame = isBinary
        ? { data: buf, binary: true }
        : { data: buf.toString("utf8"), binary: false };
      const w = this.#waiter;
      if (w) {
        this.#waiter = undefined;
        w.resolve(frame);
      } else {
        this.#frames.push(frame);
      }
    });
    onCleanup(() => this.ws.terminate());
  }

  /** Resolves when the connection is closed, for whatever reason; fails if that takes more than 5 s. */
  get closed(): Promise<CloseEvent> {
    return within(this.#closed, 5000, "the websocket to close");
  }

  /** The next frame received (queued if it already arrived); fails if none comes within 5 s. */
  next(): Promise<Frame> {
    const f = this.#frames.shift();
    if (f) return Promise.resolve(f);
    if (this.isClosed) return Promise.reject(new Error("websocket closed"));
    const frame = new Promise<Frame>((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
    return within(frame, 5000, "a websocket frame").catch((err: unknown) => {
      this.#waiter = undefined;
      throw err;
    });
  }

  /** The next frame, which must be a text frame. */
  async nextText(): Promise<string> {
    const f = await this.next();
    expect(f.binary, "expected a text frame").toBe(false);
    return f.data as string;
  }

  /** Frames received but not consumed yet. */
  get pending(): readonly Frame[] {
    return this.#frames;
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }
}

export function openWs(url: string, options?: WebSocket.ClientOptions): WsClient {
  return new WsClient(url, options);
}

export interface WsSession {
  client: WsClient;
  sid: string;
  open: OpenPacket;
}

/** WebSocket-only handshake (docs/protocol.md §1.4): first frame must be the open packet. */
export async function wsHandshake(srv: TestServer, extraQuery = ""): Promise<WsSession> {
  const client = openWs(srv.wsUrl(`EIO=4&transport=websocket${extraQuery}`));
  await client.opened;
  const open = parseOpen(await client.nextText());
  return { client, sid: open.sid, open };
}
