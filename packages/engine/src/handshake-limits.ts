// Engine-wide admission of new sessions (issue #18): `maxConnections` (503) and `handshakeRate` per
// client address (429 with Retry-After), checked before anything else of a handshake, over both
// transports. Only handshakes (requests without `sid`) are counted; a session's own polling
// requests and upgrade probes never are.
import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { InvalidOptionError } from "./errors.js";
import type { EngineRequest } from "./request.js";
import { TokenBucketPolicy, checkBudget, type Bucket } from "./token-bucket.js";

/** The `handshakeRate` option. */
export interface HandshakeRateOptions {
  /** Handshakes one address may make per `duration`. */
  points: number;
  /** Window of the budget, in ms. */
  duration: number;
  /**
   * Header set by a trusted reverse proxy with the client address (e.g. `x-forwarded-for`, whose
   * last entry, the one the proxy added, is used). Default: the TCP peer address.
   */
  trustProxyHeader?: string;
}

/** Most client addresses tracked at once; past it full buckets are forgotten, then the oldest. */
export const MAX_TRACKED_ADDRESSES = 100_000;

/** @internal Why a handshake is refused. */
export type Refusal = { status: 503 } | { status: 429; retryAfter: number };

/** @internal Validates `maxConnections` (integer >= 1 or Infinity). */
export function resolveMaxConnections(value: unknown): number {
  if (value === undefined) return Infinity;
  if (typeof value === "number" && value >= 1 && (Number.isInteger(value) || value === Infinity))
    return value;
  throw new InvalidOptionError(
    `maxConnections must be an integer >= 1 or Infinity, got ${String(value)}`,
  );
}

/** @internal Validates `handshakeRate`. */
export function resolveHandshakeRate(value: unknown): HandshakeRateOptions | undefined {
  if (value === undefined || value === false) return undefined;
  const problem = checkBudget(value);
  if (problem !== null) throw new InvalidOptionError(`handshakeRate: ${problem}`);
  const header = (value as HandshakeRateOptions).trustProxyHeader;
  if (header !== undefined && (typeof header !== "string" || header.length === 0))
    throw new InvalidOptionError("handshakeRate.trustProxyHeader must be a header name");
  return value as HandshakeRateOptions;
}

/** @internal Decides on handshakes; one per engine server. */
export class HandshakeLimiter {
  readonly #max: number;
  readonly #policy: TokenBucketPolicy | null;
  readonly #header: string | undefined;
  readonly #buckets = new Map<string, Bucket>();

  constructor(maxConnections: number, rate: HandshakeRateOptions | undefined) {
    this.#max = maxConnections;
    this.#policy = rate === undefined ? null : new TokenBucketPolicy(rate.points, rate.duration);
    this.#header = rate?.trustProxyHeader?.toLowerCase();
  }

  /** Whether any limit is set (the server skips the check otherwise). */
  get active(): boolean {
    return this.#max !== Infinity || this.#policy !== null;
  }

  /** null to accept (spending one token of the address), or the refusal. */
  check(req: EngineRequest, sessions: number): Refusal | null {
    if (sessions >= this.#max) return { status: 503 };
    const policy = this.#policy;
    if (policy === null) return null;
    const now = Date.now();
    const address = this.#address(req);
    let bucket = this.#buckets.get(address);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_TRACKED_ADDRESSES) this.#sweep(now);
      bucket = policy.create(now);
      this.#buckets.set(address, bucket);
    }
    if (!policy.has(bucket, now))
      return {
        status: 429,
        retryAfter: Math.max(1, Math.ceil(policy.retryAfterMs(bucket) / 1000)),
      };
    bucket.tokens -= 1;
    return null;
  }

  #address(req: EngineRequest): string {
    const header = this.#header;
    if (header !== undefined) {
      const raw = req.headers[header];
      const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
      if (value !== undefined && value.length > 0) {
        const last = value.slice(value.lastIndexOf(",") + 1).trim();
        // Bounded: a header is not a way to make map keys of any size.
        if (last.length > 0) return last.slice(0, 64);
      }
    }
    return req.socket?.remoteAddress ?? "";
  }

  #sweep(now: number): void {
    const policy = this.#policy!;
    for (const [address, bucket] of this.#buckets)
      if (policy.isFull(bucket, now)) this.#buckets.delete(address);
    // Still full of active addresses: forget the oldest half.
    if (this.#buckets.size < MAX_TRACKED_ADDRESSES) return;
    let excess = this.#buckets.size - MAX_TRACKED_ADDRESSES / 2;
    for (const address of this.#buckets.keys()) {
      if (excess-- <= 0) break;
      this.#buckets.delete(address);
    }
  }
}

const REASONS = { 429: "Too Many Requests", 503: "Service Unavailable" } as const;

/** @internal Answers a refused polling handshake. */
export function writeRefusal(res: ServerResponse, refusal: Refusal): void {
  if (res.headersSent || res.destroyed) return;
  const body = REASONS[refusal.status];
  const headers: Record<string, string | number> = {
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Length": body.length,
  };
  if (refusal.status === 429) headers["Retry-After"] = refusal.retryAfter;
  res.writeHead(refusal.status, headers);
  res.end(body);
}

/** @internal Answers a refused WebSocket handshake with a raw HTTP response, then closes. */
export function writeUpgradeRefusal(socket: Duplex, refusal: Refusal): void {
  socket.on("error", () => {});
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = REASONS[refusal.status];
  socket.end(
    `HTTP/1.1 ${refusal.status} ${body}\r\n` +
      "Connection: close\r\n" +
      "Content-Type: text/plain; charset=UTF-8\r\n" +
      (refusal.status === 429 ? `Retry-After: ${refusal.retryAfter}\r\n` : "") +
      `Content-Length: ${body.length}\r\n\r\n` +
      body,
    () => socket.destroy(),
  );
}
