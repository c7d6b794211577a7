import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import {
  BASE64_PREFIX,
  EncodedPackets,
  SEPARATOR,
  decodeBinaryPayloadV3,
  decodeTextPayloadV3,
  encodePayloadV3,
  segmentEnd,
  type FinalPacket,
  type V3Item,
} from "@switchboard/engine-parser/internal";
import createDebug from "debug";
import { chooseCoding, compress } from "../compression.js";
import { DeadlineNode, type DeadlineQueue } from "../deadline-queue.js";
import { PayloadTooLargeError, TransportError } from "../errors.js";
import { writeStatus } from "../http-responses.js";
import type { HttpCompressionOptions } from "../options.js";
import { PreEncodedPacket } from "../pre-encoded.js";
import type { EngineRequest } from "../request.js";
import { requestProtocol } from "../verify.js";
import { Transport, type OutItem, type ShutdownMode } from "./transport.js";

const debug = createDebug("engine:polling");

/** @internal Payload format of a polling session: v4, or v3 (§1.10) with or without binary payloads. */
export const enum PollingFormat {
  V4 = 0,
  /** v3, binary as `b4<base64>` (the handshake had `b64`). */
  V3_TEXT = 1,
  /** v3, a payload with binary data is a binary payload. */
  V3_BINARY = 2,
}

/** @internal What the polling transport needs from the server. */
export interface PollingContext {
  readonly maxHttpBufferSize: number;
  /** Most `data` chunks a POST body may arrive in. */
  readonly maxBufferedChunks: number;
  /** Deadlines of POST bodies (`httpRequestBodyTimeout`); expiry calls `onBodyTimeout`. */
  readonly bodyQueue: DeadlineQueue<PollingTransport>;
  readonly httpCompression: false | HttpCompressionOptions;
  /** Adds cookie / CORS-independent headers and emits `initial_headers` / `headers`. */
  decorateHeaders(
    headers: OutgoingHttpHeaders,
    req: IncomingMessage,
    sid: string,
    handshake: boolean,
  ): void;
}

/** @internal The payload format a handshake request asks for. */
export function pollingFormat(req: EngineRequest): PollingFormat {
  if (requestProtocol(req) === 4) return PollingFormat.V4;
  return req._query.b64 ? PollingFormat.V3_TEXT : PollingFormat.V3_BINARY;
}

/**
 * HTTP long-polling (docs/protocol.md §1.3): a GET is held until packets are queued and answered with
 * them joined by 0x1e; a POST carries the client's payload and is answered `ok`. At most one of
 * each is in flight. All request handlers are bound once per transport, not per request.
 */
export class PollingTransport extends Transport {
  readonly name = "polling" as const;
  readonly #ctx: PollingContext;
  readonly #sid: string;
  readonly #format: PollingFormat;
  /** The POST in flight is `application/octet-stream` (a v3 binary payload). */
  #binaryPost = false;
  #handshake = true;
  #shut = false;
  #getReq: IncomingMessage | null = null;
  #getRes: ServerResponse | null = null;
  #postReq: IncomingMessage | null = null;
  #postRes: ServerResponse | null = null;
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  /** Deadline of the POST body in flight (made on the first POST). */
  #bodyDeadline: DeadlineNode<PollingTransport> | null = null;

  /** @internal */
  constructor(ctx: PollingContext, sid: string, format: PollingFormat = PollingFormat.V4) {
    super();
    this.#ctx = ctx;
    this.#sid = sid;
    this.#format = format;
  }

  /** @internal A GET is pending (engine.io's polling is writable only then). */
  get ready(): boolean {
    return this.#getRes !== null;
  }

  /** @internal Routes a request of this session by method (§1.3: other methods get 500). */
  onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === "GET") this.#onGet(req, res);
    else if (req.method === "POST") this.#onPost(req, res);
    else writeStatus(res, 500);
  }

  #onGet(req: IncomingMessage, res: ServerResponse): void {
    if (this.#getRes !== null || this.#shut) {
      // §1.3: a second concurrent GET gets 400 and the session closes with `transport error`.
      debug("overlapping GET for %s", this.#sid);
      writeStatus(res, 400);
      this.owner?.onTransportError(this, new TransportError("overlap from client"));
      return;
    }
    this.#getReq = req;
    this.#getRes = res;
    this.owner?.onWritable(this);
    // Most GETs of a busy session are answered right here; only one left pending needs to learn
    // that its client went away.
    if (this.#getRes === res) res.on("close", this.#onGetClose);
  }

  readonly #onGetClose = (): void => {
    const res = this.#getRes;
    // Only the pending GET matters; 'close' of an already answered response is normal.
    if (res === null || !res.destroyed || res.writableEnded) return;
    this.#getReq = this.#getRes = null;
    this.owner?.onTransportError(this, new TransportError("poll connection closed prematurely"));
  };

  #onPost(req: IncomingMessage, res: ServerResponse): void {
    if (this.#postRes !== null || this.#shut) {
      writeStatus(res, 400);
      this.owner?.onTransportError(this, new TransportError("data request overlap from client"));
      return;
    }
    // §1.3: v4 polling is text only; binary travels as `b` + base64. A v3 client may POST a binary payload.
    const binary = isOctetStream(req.headers["content-type"]);
    this.#binaryPost = binary;
    if (binary && this.#format === PollingFormat.V4) {
      writeStatus(res, 400);
      this.owner?.onTransportError(this, new TransportError("binary POST body is not allowed"));
      return;
    }
    // A late socket error of this request must never become an uncaught exception; the listener stays.
    req.on("error", ignore);
    const declared = Number(req.headers["content-length"]);
    if (declared > this.#ctx.maxHttpBufferSize) {
      this.#refusePost(req, res, 413, new PayloadTooLargeError("payload too large"));
      return;
    }
    this.#postReq = req;
    this.#postRes = res;
    req.on("data", this.#onPostData);
    req.on("end", this.#onPostEnd);
    req.on("close", this.#onPostClose);
    // §1.3: the whole body must arrive within httpRequestBodyTimeout (a slowloris holds nothing for
    // long). The node stays queued after the body (see `#endPost`), so this only moves it to the tail.
    this.#ctx.bodyQueue.push((this.#bodyDeadline ??= new DeadlineNode<PollingTransport>(this)));
  }

  readonly #onPostData = (chunk: Buffer): void => {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#ctx.maxHttpBufferSize) {
      this.#abortPost(413, new PayloadTooLargeError("payload too large"));
      return;
    }
    this.#chunks.push(chunk);
    // Many tiny chunks cost far more than their bytes (one Buffer each): bounded too.
    if (this.#chunks.length > this.#ctx.maxBufferedChunks)
      this.#abortPost(413, new TransportError("too many chunks"));
  };

  readonly #onPostClose = (): void => {
    // Only the POST in flight has this listener: the client went away before the end of its body.
    // Its payload is lost, so the session cannot go on (as on the reference server).
    if (this.#postReq === null) return;
    this.#endPost();
    this.owner?.onTransportError(
      this,
      new TransportError("data request connection closed prematurely"),
    );
  };

  /** @internal httpRequestBodyTimeout elapsed with the POST body still incomplete. */
  onBodyTimeout(): void {
    if (this.#postReq !== null) this.#abortPost(408, new TransportError("http request timeout"));
  }

  readonly #onPostEnd = (): void => {
    const res = this.#postRes!;
    const chunks = this.#chunks;
    const req = this.#postReq!;
    if (this.#format === PollingFormat.V4) {
      const body =
        chunks.length === 1
          ? chunks[0]!.toString("utf8")
          : Buffer.concat(chunks, this.#bytes).toString("utf8");
      this.#endPost(true);
      this.#dispatch(body);
    } else {
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#bytes);
      const binary = this.#binaryPost;
      this.#endPost(true);
      this.#dispatchV3(
        binary ? decodeBinaryPayloadV3(bytes) : decodeTextPayloadV3(bytes.toString("utf8")),
      );
    }
    if (res.destroyed) return;
    const headers: OutgoingHttpHeaders = {
      "Content-Type": "text/html",
      "Content-Length": "2",
      "cache-control": "no-store",
    };
    this.#ctx.decorateHeaders(headers, req, this.#sid, false);
    res.writeHead(200, headers);
    res.end("ok");
  };

  /** Forgets the POST in flight; `ended`: its body was read to the end. */
  #endPost(ended = false): void {
    const req = this.#postReq;
    if (req !== null) {
      // An ended body emits no more `data` nor `end`: only `close` is still to come.
      if (!ended) {
        req.off("data", this.#onPostData);
        req.off("end", this.#onPostEnd);
      }
      req.off("close", this.#onPostClose);
    }
    // The body deadline stays queued: it expires as a no-op unless the next POST re-queues it first,
    // which saves clearing and setting the queue's timer around every POST of a lone session.
    this.#postReq = this.#postRes = null;
    this.#chunks.length = 0;
    this.#bytes = 0;
  }

  /** Stops reading the POST in flight and refuses it (see `#refusePost`). */
  #abortPost(status: 408 | 413, err: Error): void {
    const req = this.#postReq!;
    const res = this.#postRes!;
    this.#endPost();
    this.#refusePost(req, res, status, err);
  }

  /**
   * Refuses a POST body (§1.3): 413 over maxHttpBufferSize or maxBufferedChunks, 408 past
   * httpRequestBodyTimeout, with an empty body; the connection is dropped so the rest is never
   * read, and the session closes with `transport error`, as on the reference server (≥ 6.6.13).
   */
  #refusePost(req: IncomingMessage, res: ServerResponse, status: 408 | 413, err: Error): void {
    debug("refusing POST of %s with %d: %s", this.#sid, status, err.message);
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(status, { Connection: "close", "Content-Length": "0" });
      res.end(() => req.destroy());
    } else {
      req.destroy();
    }
    this.owner?.onTransportError(this, err);
  }

  /** Splits a payload on the separator and hands each packet to the session, stopping once it closes. */
  #dispatch(body: string): void {
    const length = body.length;
    let start = 0;
    while (!this.#shut && this.owner !== null) {
      const end = segmentEnd(body, start);
      // An empty segment (e.g. a trailing separator) reaches the session as "" and is a parse error.
      this.owner.onText(this, start === 0 && end === length ? body : body.slice(start, end));
      if (end === length) return;
      start = end + 1;
    }
  }

  /** §1.10: the packets of a v3 payload (already in v4 form); a malformed payload is a parse error. */
  #dispatchV3(packets: V3Item[] | null): void {
    // "" reaches the session as an empty packet, which it reports as a parse error.
    if (packets === null) packets = [""];
    for (const packet of packets) {
      if (this.#shut || this.owner === null) return;
      if (typeof packet === "string") this.owner.onText(this, packet);
      else
        this.owner.onBinary(this, Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength));
    }
  }

  send(items: readonly OutItem[]): boolean {
    if (this.#format !== PollingFormat.V4) return this.#sendV3(items);
    let body = "";
    for (let i = 0; i < items.length; i++) {
      if (i > 0) body += SEPARATOR;
      const item = items[i]!;
      body +=
        typeof item === "string"
          ? item
          : item instanceof PreEncodedPacket
            ? item.pollingText
            : BASE64_PREFIX + item.toString("base64");
    }
    return this.#respond(body);
  }

  #sendV3(items: readonly OutItem[]): boolean {
    const packets: V3Item[] = items.map((item) =>
      item instanceof PreEncodedPacket ? v3Item(item) : item,
    );
    const payload = encodePayloadV3(packets, this.#format === PollingFormat.V3_BINARY);
    return this.#respond(
      typeof payload === "string"
        ? payload
        : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
    );
  }

  /** Answers the pending GET with a payload. Returns false when compression makes it asynchronous. */
  #respond(body: string | Buffer): boolean {
    const req = this.#getReq;
    const res = this.#getRes;
    if (req === null || res === null) return true;
    this.#getReq = this.#getRes = null;
    const handshake = this.#handshake;
    this.#handshake = false;
    if (res.destroyed) {
      // The client left before we answered: what we took is lost, so the session cannot go on.
      this.owner?.onTransportError(this, new TransportError("poll connection closed prematurely"));
      return true;
    }
    const headers: OutgoingHttpHeaders = {
      "Content-Type":
        typeof body === "string" ? "text/plain; charset=UTF-8" : "application/octet-stream",
      "cache-control": "no-store",
    };
    this.#ctx.decorateHeaders(headers, req, this.#sid, handshake);
    const length = Buffer.byteLength(body);
    const compression = this.#ctx.httpCompression;
    const coding =
      compression && length >= (compression.threshold ?? 1024)
        ? chooseCoding(req.headers["accept-encoding"])
        : null;
    if (coding === null) {
      headers["Content-Length"] = length;
      res.writeHead(200, headers);
      res.end(body);
      return true;
    }
    compress(
      typeof body === "string" ? Buffer.from(body, "utf8") : body,
      coding,
      compression as HttpCompressionOptions,
      (err, out) => {
        if (res.destroyed) return;
        if (err) {
          writeStatus(res, 500);
        } else {
          headers["Content-Encoding"] = coding;
          headers["Content-Length"] = out.length;
          res.writeHead(200, headers);
          res.end(out);
        }
        this.owner?.onDrain(this);
      },
    );
    return false;
  }

  shutdown(_mode: ShutdownMode, finalPacket: FinalPacket = EncodedPackets.close): void {
    if (this.#shut) return;
    this.#shut = true;
    // A POST still in flight keeps its deadline: its body must end or time out all the same.
    if (this.#postReq === null && this.#bodyDeadline !== null)
      this.#ctx.bodyQueue.remove(this.#bodyDeadline);
    if (this.#getRes !== null)
      this.#respond(this.#format === PollingFormat.V4 ? finalPacket : `1:${finalPacket}`);
    this.owner = null;
  }
}

function ignore(): void {}

const OCTET_STREAM = "application/octet-stream";

/** Whether a Content-Type is `application/octet-stream` (any case, any parameters). */
function isOctetStream(type: string | undefined): boolean {
  // Checked on every POST: text payloads (`text/plain…`) are told apart by their first letter,
  // without lowercasing a copy of the header.
  if (
    type === undefined ||
    type.length < OCTET_STREAM.length ||
    (type.charCodeAt(0) | 0x20) !== 0x61
  )
    return false;
  return type.slice(0, OCTET_STREAM.length).toLowerCase() === OCTET_STREAM;
}

/** A pre-encoded message as a v3 payload item: its text packet, or its bytes. */
function v3Item(packet: PreEncodedPacket): V3Item {
  return packet.binary ? (packet.data as Buffer) : packet.pollingText;
}
