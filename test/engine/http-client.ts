// Raw HTTP for the conformance suite: node:http with no agent (one TCP connection per request, nothing pooled,
// no transparent decompression), and raw TCP for requests node:http refuses to produce.
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http";
import { connect } from "node:net";
import { expect } from "vitest";
import { onCleanup, type TestServer } from "./server-harness.js";

export const SEP = "\x1e";

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
}

/** One HTTP request on its own connection; resolves when the whole response body arrived. */
export function request(url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: opts.method ?? "GET", headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString("utf8"),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    onCleanup(() => req.destroy());
    req.end(opts.body);
  });
}

export interface OpenPacket {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/** Parses `0{json}` and checks it is an open packet. */
export function parseOpen(packet: string | undefined): OpenPacket {
  expect(packet?.[0]).toBe("0");
  return JSON.parse(packet!.slice(1)) as OpenPacket;
}

/** Splits a polling payload into its packets (docs/protocol.md §1.3). */
export function packets(payload: string): string[] {
  return payload.split(SEP);
}

export interface PollingSession {
  sid: string;
  open: OpenPacket;
  /** Packets of the handshake response after the open packet (e.g. the `initialPacket`). */
  rest: string[];
  res: HttpResponse;
}

/** Polling handshake (docs/protocol.md §1.4); asserts 200 + open packet. */
export async function handshake(
  srv: TestServer,
  extraQuery = "",
  headers?: OutgoingHttpHeaders,
): Promise<PollingSession> {
  const res = await request(srv.url(`EIO=4&transport=polling${extraQuery}`), { headers });
  expect(res.status, res.text).toBe(200);
  const [first, ...rest] = packets(res.text);
  const open = parseOpen(first);
  return { sid: open.sid, open, rest, res };
}

/** Polling GET for a session (held by the server until it has packets). */
export function poll(
  srv: TestServer,
  sid: string,
  headers?: OutgoingHttpHeaders,
): Promise<HttpResponse> {
  return request(srv.url(`EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`), { headers });
}

/** Polling POST of a payload for a session. */
export function post(
  srv: TestServer,
  sid: string,
  body: string | Buffer,
  headers?: OutgoingHttpHeaders,
): Promise<HttpResponse> {
  const h: OutgoingHttpHeaders = { "content-type": "text/plain;charset=UTF-8", ...headers };
  return request(srv.url(`EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`), {
    method: "POST",
    headers: h,
    body,
  });
}

/**
 * Polls (up to `maxPolls` GETs, each must be 200) until a close packet `1` arrives; returns every packet seen.
 * Noops (`6`) may come first, e.g. while an upgrade is releasing the poll.
 */
export async function pollUntilClose(
  srv: TestServer,
  sid: string,
  maxPolls = 3,
): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < maxPolls && !seen.includes("1"); i++) {
    const res = await poll(srv, sid);
    expect(res.status, res.text).toBe(200);
    seen.push(...packets(res.text));
  }
  return seen;
}

/** Asserts a §1.8 JSON error response. */
export function expectErrorBody(
  res: HttpResponse,
  status: number,
  code: number,
  message: string,
): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(JSON.parse(res.text)).toEqual({ code, message });
}

export interface RawResult {
  /** Everything the server wrote. */
  text: string;
  /** Whether the server ended/destroyed the connection (rather than `settle` or the 5 s bound stopping it). */
  closedByServer: boolean;
}

/**
 * Writes raw bytes on a fresh TCP connection and collects the answer until the server closes the connection,
 * or until `settle` returns true for what arrived so far, or 5 s passed (then the test closes it).
 */
export function raw(
  srv: TestServer,
  data: string | Buffer,
  opts: { endWrite?: boolean; settle?: (text: string) => boolean } = {},
): Promise<RawResult> {
  return new Promise((resolve) => {
    const sock = connect(srv.port, "127.0.0.1");
    onCleanup(() => sock.destroy());
    let text = "";
    let done = false;
    const finish = (closedByServer: boolean): void => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve({ text, closedByServer });
    };
    sock.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (opts.settle?.(text)) finish(false);
    });
    sock.on("error", () => finish(true));
    sock.on("end", () => finish(true));
    sock.on("close", () => finish(true));
    // Bound the wait so a server that never answers fails an assertion (with what it sent) instead of hanging.
    const timer = setTimeout(() => finish(false), 5000);
    sock.once("close", () => clearTimeout(timer));
    sock.write(data);
    if (opts.endWrite) sock.end();
  });
}

/** A WebSocket upgrade request as raw text (for checking refusals byte by byte). */
export function rawUpgrade(path: string, extraHeaders = ""): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraHeaders}\r\n`
  );
}
