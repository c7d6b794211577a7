// Node platform: `node:http`/`node:https` for long-polling, `ws` for WebSocket, cookies kept in memory.
import {
  request as httpRequest,
  type Agent,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket as NetSocket } from "node:net";
import WebSocket from "ws";
import { MemoryCookieJar } from "./cookie-jar.js";
import type { ResolvedOptions } from "./options.js";
import type { CookieJar, Platform, PollCallback, PollRequest, WebSocketLike } from "./platform.js";

function headers(opts: ResolvedOptions, jar: CookieJar | undefined): Record<string, string> {
  const h: Record<string, string> = { ...opts.extraHeaders };
  const cookie = jar?.header();
  if (cookie) h.cookie = cookie;
  return h;
}

function tls(opts: ResolvedOptions): RequestOptions & Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [
    "pfx",
    "key",
    "passphrase",
    "cert",
    "ca",
    "ciphers",
    "rejectUnauthorized",
  ] as const) {
    if (opts[k] !== undefined) out[k] = opts[k];
  }
  if (opts.agent !== undefined) out.agent = opts.agent as Agent | false;
  return out;
}

function request(req: PollRequest, done: PollCallback): () => void {
  const { opts, jar } = req;
  const h = headers(opts, jar);
  if (req.body !== undefined) {
    h["content-type"] = "text/plain;charset=UTF-8";
    h["content-length"] = String(Buffer.byteLength(req.body));
  }
  let finished = false;
  const finish = (err: unknown, status: number, body: string): void => {
    if (finished) return;
    finished = true;
    done(err, status, body);
  };
  const send = req.url.startsWith("https:") ? httpsRequest : httpRequest;
  const r = send(
    req.url,
    { method: req.method, headers: h, ...tls(opts) },
    (res: IncomingMessage) => {
      jar?.store(res.headers["set-cookie"]);
      res.setEncoding("utf8");
      let body = "";
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => finish(null, res.statusCode ?? 0, body));
      res.on("error", (err) => finish(err, 0, ""));
    },
  );
  // Reported on a turn of the global timer queue, as engine.io-client's Node transport (xmlhttprequest-ssl) does:
  // code tested with a fake clock against socket.io-client sees a failed connection at the same point.
  r.on("error", (err) => setTimeout(() => finish(err, 0, ""), 0));
  if (opts.autoUnref) r.on("socket", (s: NetSocket) => s.unref());
  if (opts.requestTimeout)
    r.setTimeout(opts.requestTimeout, () => r.destroy(new Error("request timeout")));
  r.end(req.body);
  return () => {
    finished = true;
    r.destroy();
  };
}

export const nodePlatform: Platform = {
  request,
  openWebSocket(url, opts, jar): WebSocketLike {
    const ws = new WebSocket(url, opts.protocols, {
      headers: headers(opts, jar),
      perMessageDeflate: opts.perMessageDeflate ?? false,
      ...tls(opts),
    } as WebSocket.ClientOptions);
    if (jar || opts.autoUnref) {
      ws.on("upgrade", (res: IncomingMessage) => {
        jar?.store(res.headers["set-cookie"]);
        if (opts.autoUnref) res.socket.unref();
      });
    }
    return ws as unknown as WebSocketLike;
  },
  wsBinaryType: "nodebuffer",
  wsCompress: true,
  binary(data) {
    if (Buffer.isBuffer(data)) return data;
    return data instanceof ArrayBuffer
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  },
  cookieJar: () => new MemoryCookieJar(),
};
