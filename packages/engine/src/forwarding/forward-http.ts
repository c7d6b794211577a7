// Relaying one polling request (GET, POST, or a preflight) to the node that holds its session, over a
// keep-alive link: same method, URL and end-to-end headers, the body bounded, the owner's answer passed
// back. Either side going away cuts the other.
// Polling bodies are small, and a relay hop costs mostly per write and per stream event, so a body whose
// length is declared and small is gathered and sent with its head in one `end(body)` (one `writev`),
// both ways; larger or chunked ones are streamed.
import { request, type ClientRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import createDebug from "debug";
import { requestHeaderList, responseHeaderList } from "./forward-headers.js";
import type { Peer } from "./peers.js";

const debug = createDebug("engine:forwarding");

/** @internal What a relayed request needs from the forwarder. */
export interface HttpRelayContext {
  /** Value of the hop marker. */
  readonly hop: string;
  /** Largest body forwarded (`maxHttpBufferSize`). */
  readonly maxBody: number;
  /** ms to connect to the owner. */
  readonly connectTimeout: number;
  /** ms the owner may take to start its answer once it has the request. */
  readonly responseTimeout: number;
  /** The request went out to the owner. */
  sent(): void;
  /**
   * The owner could not be reached (`connected`: the link broke before its answer, else connecting
   * failed) and the client got nothing yet: answer it here.
   */
  unreachable(connected: boolean): void;
}

function ignore(): void {}

/** Largest body gathered into one write rather than streamed (a poll's payload is far smaller). */
const GATHER_LIMIT = 64 * 1024;

/** Whether the relayed request has no body (a retry can send it again as it is). */
function isBodyless(req: IncomingMessage): boolean {
  if (req.method === "GET" || req.method === "HEAD") return true;
  return req.headers["content-length"] === "0" && req.headers["transfer-encoding"] === undefined;
}

/** A declared `content-length` (a non-negative integer), else -1. */
function declaredLength(value: string | undefined): number {
  if (value === undefined || value === "") return -1;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : -1;
}

/** Body chunks gathered up to a known length. */
class Gathered {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  constructor(readonly length: number) {}

  /** Adds `chunk`; the whole body once `length` bytes are in, else null. */
  add(chunk: Buffer): Buffer | null {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (this.#bytes < this.length) return null;
    return this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#bytes);
  }
}

/**
 * @internal Answers an oversize POST as the engine does (§1.3): 413, empty body, and the connection
 * is dropped so the rest of the body is never read.
 */
export function refuseOversize(req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent && !res.destroyed) {
    res.writeHead(413, { Connection: "close", "Content-Length": "0" });
    res.end(() => req.destroy());
  } else {
    res.destroy();
    req.destroy();
  }
}

/** @internal One request relayed to its owner. */
export class HttpRelay {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #peer: Peer;
  readonly #ctx: HttpRelayContext;
  readonly #bodyless: boolean;
  /** The client's body, when it is gathered and sent whole. */
  #body: Gathered | null = null;
  /** That body once complete, kept so a retry can send it again. */
  #bodyBytes: Buffer | null = null;
  #readingBody = false;
  /** The owner's answer, when it is gathered and sent whole. */
  #answer: Gathered | null = null;
  #status = 0;
  #answerHeaders: string[] | null = null;
  #upstream: ClientRequest | null = null;
  #timer: NodeJS.Timeout | null = null;
  #connected = false;
  #responded = false;
  #finished = false;
  #retried = false;
  #bytes = 0;

  constructor(req: IncomingMessage, res: ServerResponse, peer: Peer, ctx: HttpRelayContext) {
    this.#req = req;
    this.#res = res;
    this.#peer = peer;
    this.#ctx = ctx;
    this.#bodyless = isBodyless(req);
    // A late error of the client's request must never be uncaught; the listener stays with it.
    req.on("error", ignore);
    res.on("close", this.#onClientClose);
  }

  /** Sends the request; `false` when a declared body is over the bound (answered 413 here). */
  start(): boolean {
    const headers = this.#req.headers;
    const declared = declaredLength(headers["content-length"]);
    if (declared > this.#ctx.maxBody) {
      this.#finished = true;
      refuseOversize(this.#req, this.#res);
      return false;
    }
    const whole = declared > 0 && declared <= GATHER_LIMIT && !headers["transfer-encoding"];
    if (whole && !this.#bodyless) this.#body = new Gathered(declared);
    this.#send();
    return true;
  }

  /** Cuts both sides (the forwarder is closing). */
  abort(): void {
    if (this.#finished) return;
    this.#finish();
    this.#res.destroy();
  }

  #send(): void {
    const req = this.#req;
    const upstream = request({
      host: this.#peer.host,
      port: this.#peer.port,
      method: req.method,
      path: req.url,
      // A list is written as it is, once (see forward-headers.ts).
      headers: requestHeaderList(req, this.#ctx.hop),
      agent: this.#peer.agent,
    });
    this.#upstream = upstream;
    this.#connected = false;
    upstream.on("error", this.#onUpstreamError);
    upstream.on("response", this.#onResponse);
    upstream.on("socket", this.#onSocket);
    this.#arm(this.#ctx.connectTimeout, "connect timeout");
  }

  #arm(ms: number, what: string): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    const upstream = this.#upstream!;
    this.#timer = setTimeout(() => upstream.destroy(new Error(what)), ms);
    this.#timer.unref();
  }

  readonly #onSocket = (socket: Socket): void => {
    if (socket.connecting) socket.once("connect", this.#onConnect);
    else this.#onConnect();
  };

  readonly #onConnect = (): void => {
    if (this.#finished || this.#connected) return;
    this.#connected = true;
    this.#arm(this.#ctx.responseTimeout, "no response");
    if (!this.#retried) this.#ctx.sent();
    const upstream = this.#upstream!;
    // The body is read only now: had connecting failed, the request would still be whole for the
    // local answer.
    if (this.#bodyless) {
      upstream.end();
      return;
    }
    const req = this.#req;
    if (this.#body !== null) {
      if (this.#bodyBytes !== null) upstream.end(this.#bodyBytes);
      else if (!this.#readingBody) {
        this.#readingBody = true;
        req.on("data", this.#onBodyChunk);
      }
      return;
    }
    req.on("data", this.#onData);
    req.on("end", this.#onEnd);
    upstream.on("drain", this.#onDrain);
  };

  readonly #onBodyChunk = (chunk: Buffer): void => {
    // The parser stops at the declared length: this is the whole body, sent with the head.
    const body = this.#body!.add(chunk);
    if (body === null) return;
    this.#bodyBytes = body;
    // A retry still connecting sends it from #onConnect.
    if (this.#connected) this.#upstream!.end(body);
  };

  readonly #onData = (chunk: Buffer): void => {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#ctx.maxBody) {
      debug("relayed body over %d bytes", this.#ctx.maxBody);
      this.#finish();
      refuseOversize(this.#req, this.#res);
      return;
    }
    if (!this.#upstream!.write(chunk)) this.#req.pause();
  };

  readonly #onDrain = (): void => {
    this.#req.resume();
  };

  readonly #onEnd = (): void => {
    this.#upstream?.end();
  };

  readonly #onResponse = (upstreamRes: IncomingMessage): void => {
    if (this.#finished) {
      upstreamRes.resume();
      return;
    }
    this.#responded = true;
    this.#clearTimer();
    const res = this.#res;
    upstreamRes.on("error", this.#onUpstreamResponseError);
    upstreamRes.on("aborted", this.#onUpstreamResponseError);
    const status = upstreamRes.statusCode ?? 502;
    const headers = responseHeaderList(upstreamRes);
    // No body follows a HEAD, a 204 or a 304 whatever their content-length says.
    const length =
      this.#req.method === "HEAD" || status === 204 || status === 304
        ? 0
        : declaredLength(upstreamRes.headers["content-length"]);
    if (length === 0) {
      res.writeHead(status, headers).end();
      upstreamRes.resume();
    } else if (length > 0 && length <= GATHER_LIMIT) {
      this.#status = status;
      this.#answerHeaders = headers;
      this.#answer = new Gathered(length);
      upstreamRes.on("data", this.#onAnswerChunk);
    } else {
      res.writeHead(status, headers);
      upstreamRes.pipe(res);
    }
  };

  readonly #onAnswerChunk = (chunk: Buffer): void => {
    const body = this.#answer!.add(chunk);
    if (body === null || this.#res.destroyed) return;
    // Head and body leave in one write.
    this.#res.writeHead(this.#status, this.#answerHeaders!).end(body);
  };

  readonly #onUpstreamResponseError = (): void => {
    // The owner's answer broke off midway: the client must not take a partial body as whole.
    if (!this.#res.writableFinished) this.#res.destroy();
  };

  readonly #onUpstreamError = (err: NodeJS.ErrnoException): void => {
    if (this.#finished) return;
    if (this.#responded) {
      this.#onUpstreamResponseError();
      return;
    }
    const upstream = this.#upstream!;
    // A keep-alive connection the owner closed just as it was reused (before reading the request, or it
    // would be answering it): send again once, when the request can be sent whole again.
    const resendable = this.#bodyless || this.#body !== null;
    if (upstream.reusedSocket && resendable && !this.#retried && err.code === "ECONNRESET") {
      debug("retrying on a fresh connection to %s", this.#peer.address);
      this.#retried = true;
      this.#detachUpstream();
      this.#send();
      return;
    }
    debug("forwarding to %s failed: %s", this.#peer.address, err.message);
    const connected = this.#connected;
    this.#finish();
    this.#ctx.unreachable(connected);
  };

  readonly #onClientClose = (): void => {
    // Answered: the response is complete. Otherwise the client left first: cut the upstream too.
    if (this.#res.writableFinished) this.#finished = true;
    if (!this.#finished) this.#finish();
  };

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #detachUpstream(): void {
    const upstream = this.#upstream;
    if (upstream === null) return;
    upstream.off("response", this.#onResponse);
    upstream.off("socket", this.#onSocket);
    upstream.off("drain", this.#onDrain);
    // Its 'error' listener stays: a destroyed request may still report one.
    upstream.on("error", ignore);
    upstream.destroy();
  }

  /** Stops relaying: the upstream request is cut and the client's body no longer read. */
  #finish(): void {
    this.#finished = true;
    this.#clearTimer();
    this.#req.off("data", this.#onData);
    this.#req.off("data", this.#onBodyChunk);
    this.#req.off("end", this.#onEnd);
    if (!this.#responded) this.#detachUpstream();
    else if (!this.#res.writableFinished) this.#upstream?.destroy();
  }
}
