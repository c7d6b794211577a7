// A minimal HTTP/1.1 keep-alive client over one raw TCP socket: requests go one at a time, and the test
// can reset the connection (RST) at exact points, after writing a request or on the first response byte.
import { connect, type Socket } from "node:net";

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CRLF2 = Buffer.from("\r\n\r\n");

/** Parses one complete response at the start of `buf`; undefined while more bytes are needed. */
function parseResponse(buf: Buffer): { response: HttpResponse; used: number } | undefined {
  const end = buf.indexOf(CRLF2);
  if (end === -1) return undefined;
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(lines[0]!.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let pos = end + 4;
  if (headers["transfer-encoding"]?.toLowerCase() === "chunked") {
    const parts: Buffer[] = [];
    while (true) {
      const lineEnd = buf.indexOf("\r\n", pos);
      if (lineEnd === -1) return undefined;
      const size = parseInt(buf.subarray(pos, lineEnd).toString("latin1"), 16);
      if (buf.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      pos = lineEnd + 2 + size + 2;
      if (size === 0)
        return {
          response: { status, headers, body: Buffer.concat(parts).toString("utf8") },
          used: pos,
        };
    }
  }
  const length = Number(headers["content-length"] ?? 0);
  if (buf.length < pos + length) return undefined;
  return {
    response: { status, headers, body: buf.subarray(pos, pos + length).toString("utf8") },
    used: pos + length,
  };
}

export class HttpConn {
  readonly socket: Socket;
  /** Resolves once the TCP connection is closed, however that happened. */
  readonly closed: Promise<void>;
  #buf: Buffer = Buffer.alloc(0);
  #waiter: { resolve: (r: HttpResponse) => void; reject: (e: Error) => void } | null = null;
  #resetOnData = false;
  #gone: Error | null = null;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("error", () => {}); // ECONNRESET and friends show up as `close`
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.once("close", () => {
      this.#gone = new Error("connection closed");
      this.#waiter?.reject(this.#gone);
      this.#waiter = null;
    });
  }

  static open(port: number): Promise<HttpConn> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: "127.0.0.1", noDelay: true });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new HttpConn(socket));
      });
    });
  }

  /** Writes a request; resolves once it is handed to the kernel (the server may not have read it yet). */
  write(method: "GET" | "POST", path: string, body?: string): Promise<void> {
    const payload = body === undefined ? "" : body;
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n` +
      (method === "POST"
        ? `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n`
        : "") +
      "\r\n";
    return new Promise((resolve, reject) => {
      this.socket.write(head + payload, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** The next response on this connection. */
  response(): Promise<HttpResponse> {
    if (this.#gone !== null) return Promise.reject(this.#gone);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#tryParse();
    });
  }

  async request(method: "GET" | "POST", path: string, body?: string): Promise<HttpResponse> {
    const response = this.response();
    try {
      await this.write(method, path, body);
    } catch (err) {
      response.catch(() => {}); // the write error is the one to report
      throw err;
    }
    return response;
  }

  /** Reset (RST) the connection as soon as the first response byte arrives. */
  resetOnFirstData(): void {
    this.#resetOnData = true;
  }

  /** Abort with a TCP RST. */
  reset(): Promise<void> {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
    return this.closed;
  }

  /** Close the keep-alive connection normally (FIN). */
  end(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  #onData(chunk: Buffer): void {
    if (this.#resetOnData) {
      this.socket.resetAndDestroy();
      return;
    }
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    this.#tryParse();
  }

  #tryParse(): void {
    if (this.#waiter === null) return;
    const parsed = parseResponse(this.#buf);
    if (parsed === undefined) return;
    this.#buf = this.#buf.subarray(parsed.used);
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter.resolve(parsed.response);
  }
}
