// A minimal WebSocket client (RFC 6455) over one raw TCP socket, speaking Engine.IO text frames, so the
// test can reset the connection (RST) before the 101, on the 101, or after any frame it sent.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

const CRLF2 = Buffer.from("\r\n\r\n");
const TEXT = 0x1;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

/** A masked client frame (RFC 6455 §5.3: every client frame is masked). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : 4;
  const frame = Buffer.allocUnsafe(head + 4 + len);
  frame[0] = 0x80 | opcode;
  if (len < 126) {
    frame[1] = 0x80 | len;
  } else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  }
  randomBytes(4).copy(frame, head);
  for (let i = 0; i < len; i++) frame[head + 4 + i] = payload[i]! ^ frame[head + (i & 3)]!;
  return frame;
}

export interface WsOptions {
  /** Engine.IO session id: the request is then an upgrade probe of that polling session. */
  sid?: string;
  /** Reset the connection on the first byte of the server's answer (the 101), before reading it. */
  resetOnFirstData?: boolean;
}

export class WsConn {
  readonly socket: Socket;
  /** Resolves once the TCP connection is closed, however that happened. */
  readonly closed: Promise<void>;
  /** Resolves with the HTTP status line once the server answered the upgrade request. */
  readonly upgraded: Promise<string>;
  #buf: Buffer = Buffer.alloc(0);
  #open = false;
  #resetOnData: boolean;
  #frames: string[] = [];
  #waiters: {
    match: (f: string) => boolean;
    resolve: (f: string) => void;
    reject: (e: Error) => void;
  }[] = [];
  #onUpgrade!: (status: string) => void;
  #gone = false;
  #closing = false;

  private constructor(socket: Socket, resetOnData: boolean) {
    this.socket = socket;
    this.#resetOnData = resetOnData;
    socket.on("error", () => {}); // ECONNRESET and friends show up as `close`
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    this.upgraded = new Promise((resolve, reject) => {
      this.#onUpgrade = resolve;
      socket.once("close", () => reject(new Error("closed before the upgrade answer")));
    });
    this.upgraded.catch(() => {}); // only awaited by flows that expect an answer
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.once("close", () => {
      this.#gone = true;
      for (const w of this.#waiters.splice(0)) w.reject(new Error("websocket closed"));
    });
  }

  /** Connects and writes the upgrade request; resolves once the request is handed to the kernel. */
  static start(port: number, opts: WsOptions = {}): Promise<WsConn> {
    const query = opts.sid === undefined ? "" : `&sid=${opts.sid}`;
    const request =
      `GET /socket.io/?EIO=4&transport=websocket${query} HTTP/1.1\r\n` +
      "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: "127.0.0.1", noDelay: true });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        const conn = new WsConn(socket, opts.resetOnFirstData ?? false);
        socket.write(request, (err) => (err ? reject(err) : resolve(conn)));
      });
    });
  }

  /** Connects and completes the WebSocket handshake (101), failing on any other answer. */
  static async open(port: number, opts: WsOptions = {}): Promise<WsConn> {
    const conn = await WsConn.start(port, opts);
    const status = await conn.upgraded;
    if (!status.includes(" 101 ")) throw new Error(`upgrade refused: ${status}`);
    return conn;
  }

  /** Sends text frames; resolves once they are handed to the kernel. */
  send(...texts: string[]): Promise<void> {
    const frames = texts.map((t) => clientFrame(TEXT, Buffer.from(t)));
    return new Promise((resolve, reject) => {
      this.socket.write(Buffer.concat(frames), (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * The first unread text frame matching `match`. Engine.IO pings (`2`) are answered with `3` on the
   * way and never returned.
   */
  next(match: (f: string) => boolean): Promise<string> {
    const i = this.#frames.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#frames.splice(i, 1)[0]!);
    if (this.#gone) return Promise.reject(new Error("websocket closed"));
    return new Promise((resolve, reject) => this.#waiters.push({ match, resolve, reject }));
  }

  /** Abort with a TCP RST. */
  reset(): Promise<void> {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
    return this.closed;
  }

  /** Closing handshake (1000), then the TCP close. */
  close(): Promise<void> {
    if (!this.socket.destroyed && !this.#closing) {
      this.#closing = true;
      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      this.socket.write(clientFrame(CLOSE, code));
    }
    return this.closed;
  }

  #onData(chunk: Buffer): void {
    if (this.#resetOnData) {
      this.socket.resetAndDestroy();
      return;
    }
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    if (!this.#open) {
      const end = this.#buf.indexOf(CRLF2);
      if (end === -1) return;
      const status = this.#buf.subarray(0, this.#buf.indexOf("\r\n")).toString("latin1");
      this.#buf = this.#buf.subarray(end + 4);
      this.#open = true;
      this.#onUpgrade(status);
      if (!status.includes(" 101 ")) return;
    }
    this.#readFrames();
  }

  #readFrames(): void {
    while (this.#buf.length >= 2) {
      const buf = this.#buf;
      const opcode = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let pos = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        pos = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        pos = 10;
      }
      if (buf.length < pos + len) return;
      const payload = buf.subarray(pos, pos + len);
      this.#buf = buf.subarray(pos + len);
      if (opcode === TEXT) this.#onText(payload.toString("utf8"));
      else if (opcode === PING) this.socket.write(clientFrame(PONG, payload));
      else if (opcode === CLOSE) {
        // The server's close frame: answer it (unless it answers ours) and finish the TCP connection.
        if (this.#closing) this.socket.end();
        else if (!this.socket.destroyed)
          this.socket.end(clientFrame(CLOSE, Buffer.from(payload.subarray(0, 2))));
        this.#closing = true;
      }
    }
  }

  #onText(text: string): void {
    if (text === "2") {
      this.socket.write(clientFrame(TEXT, Buffer.from("3")));
      return;
    }
    const w = this.#waiters.findIndex((x) => x.match(text));
    if (w >= 0) this.#waiters.splice(w, 1)[0]!.resolve(text);
    else this.#frames.push(text);
  }
}
