// Raw TCP and HTTP for attacks: bytes exactly as written, partial requests, resets (RST), and a bounded wait on
// whatever the server answers. Everything goes to 127.0.0.1; every connection registers itself for cleanup.
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http";
import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { withTimeout } from "./wait.js";

const HOST = "127.0.0.1";

/** Things an attack opened; `destroyAll()` runs after each attack, pass or fail. */
export class Opened {
  readonly #items = new Set<{ destroy(): unknown }>();
  add<T extends { destroy(): unknown }>(item: T): T {
    this.#items.add(item);
    return item;
  }
  destroyAll(): void {
    for (const item of this.#items) item.destroy();
    this.#items.clear();
  }
}

export const opened = new Opened();

/** One raw TCP connection: records what arrives and how it ended. */
export class RawConn {
  readonly socket: Socket;
  /** Everything received, as latin1 text (byte-for-byte). */
  text = "";
  bytes = Buffer.alloc(0);
  /** Set when the connection closed: `byServer` unless we destroyed/reset it. */
  ended: { byServer: boolean; error?: string } | undefined;
  readonly closed: Promise<{ byServer: boolean; error?: string }>;
  #weClosed = false;
  #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.bytes = Buffer.concat([this.bytes, chunk]);
      this.text += chunk.toString("latin1");
      this.#wake();
    });
    let error: string | undefined;
    socket.on("error", (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.ended = { byServer: !this.#weClosed, error };
        this.#wake();
        resolve(this.ended);
      });
    });
    opened.add(this);
  }

  static open(port: number): Promise<RawConn> {
    return withTimeout(
      new Promise<RawConn>((resolve, reject) => {
        const socket = connect(port, HOST);
        socket.once("connect", () => resolve(new RawConn(socket)));
        socket.once("error", reject);
      }),
      3000,
      "a TCP connection to the server",
    );
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  write(data: string | Buffer): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** Waits until `match(text)` holds (or the connection ends, then fails) within `ms`. */
  waitFor(match: (text: string) => boolean, what: string, ms = 5000): Promise<string> {
    let wake: (() => void) | undefined;
    const p = new Promise<string>((resolve, reject) => {
      wake = () => {
        if (match(this.text)) resolve(this.text);
        else if (this.ended)
          reject(
            new Error(
              `connection closed before ${what}; received ${JSON.stringify(this.text.slice(0, 300))}`,
            ),
          );
      };
      this.#waiters.add(wake);
      wake();
    });
    return withTimeout(p, ms, what).finally(() => this.#waiters.delete(wake!));
  }

  /** Waits for the server to close the connection; fails after `ms` (the server held it open). */
  async waitClosedByServer(ms: number, what: string): Promise<void> {
    const end = await withTimeout(this.closed, ms, `the server to close ${what}`);
    if (!end.byServer) throw new Error(`${what} was closed by the test, not by the server`);
  }

  /** Resets the connection (TCP RST), the way a crashed client or a middlebox drops it. */
  rst(): void {
    this.#weClosed = true;
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.#weClosed = true;
    this.socket.destroy();
  }
}

/** Status code of the first HTTP response in `text`, or undefined. */
export function statusOf(text: string): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? Number(m[1]) : undefined;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One HTTP request on its own connection (no agent, no keep-alive); resolves with the whole response. */
export function http(
  port: number,
  path: string,
  opts: { method?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer } = {},
): Promise<HttpResult> {
  const p = new Promise<HttpResult>((resolve, reject) => {
    const req = httpRequest(
      { host: HOST, port, path, method: opts.method ?? "GET", headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    opened.add(req);
    req.end(opts.body);
  });
  return withTimeout(p, 5000, `${opts.method ?? "GET"} ${path}`);
}

// ---- Engine.IO long-polling (docs/protocol.md §1.3–1.4) --------------------------------------------------------------

export const EIO_PATH = "/socket.io/";

export function pollingUrl(sid?: string, eio = 4): string {
  return `${EIO_PATH}?EIO=${eio}&transport=polling${sid === undefined ? "" : `&sid=${encodeURIComponent(sid)}`}`;
}

/** Polling handshake; returns the session id. */
export async function handshake(port: number): Promise<string> {
  const res = await http(port, pollingUrl());
  if (res.status !== 200 || !res.text.startsWith("0{"))
    throw new Error(`handshake failed: ${res.status} ${res.text}`);
  return (JSON.parse(res.text.slice(1).split("\x1e")[0]!) as { sid: string }).sid;
}

export function poll(port: number, sid: string): Promise<HttpResult> {
  return http(port, pollingUrl(sid));
}

export function post(port: number, sid: string, body: string): Promise<HttpResult> {
  return http(port, pollingUrl(sid), {
    method: "POST",
    headers: { "content-type": "text/plain;charset=UTF-8" },
    body,
  });
}

/** Handshake + Socket.IO CONNECT to "/" over polling; returns the engine sid. */
export async function pollingSocket(port: number): Promise<string> {
  const sid = await handshake(port);
  const res = await post(port, sid, "40");
  if (res.status !== 200) throw new Error(`CONNECT POST failed: ${res.status}`);
  const reply = await poll(port, sid);
  if (!reply.text.startsWith("40{")) throw new Error(`no CONNECT reply: ${reply.text}`);
  return sid;
}

/** Ends a polling session the polite way (a close packet), so counters return without waiting for a ping timeout. */
export async function closeSession(port: number, sid: string): Promise<void> {
  await post(port, sid, "1").catch(() => undefined);
}

/** Raw request text: request line, headers, blank line (and an optional body). */
export function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body = "",
): string {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${HOST}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return `${head}\r\n${body}`;
}

/** Headers of a WebSocket upgrade request. */
export function wsUpgradeHeaders(): Record<string, string> {
  return {
    Connection: "Upgrade",
    Upgrade: "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
  };
}

/** One client WebSocket frame (masked, as RFC 6455 requires of clients). Opcodes: 0 cont, 1 text, 2 binary, 8 close. */
export function wsFrame(opcode: number, payload: string | Buffer, fin = true): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload) : payload;
  const len = data.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = (fin ? 0x80 : 0) | opcode;
  if (len < 126) head[1] = 0x80 | len;
  else if (len < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = data[i]! ^ mask[i & 3]!;
  return Buffer.concat([head, mask, body]);
}
