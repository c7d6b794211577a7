// Per-socket rate limits of incoming events (issue #18). Token buckets refilled when read (no timer per
// socket); a socket's state is made on its first event. Runs after the catch-all listeners (`onAny` sees
// every event first, as in socket.io) and before the `socket.use` middlewares.
import { TokenBucketPolicy, checkBudget, type Bucket } from "@switchboard/engine/internal";
import createDebug from "debug";
import { ErrorCode, SocketIOError } from "./errors.js";

const debug = createDebug("socket.io:rate-limit");

/** A budget: `points` events per `duration` ms. */
export interface RateBudget {
  points: number;
  duration: number;
}

/** The `rateLimit` server option. */
export interface RateLimitOptions extends RateBudget {
  /** Budgets of single events, checked in addition to the socket's. At most 1000 names. */
  events?: Record<string, RateBudget>;
  /**
   * A socket whose events in one window (`duration`) reach this multiple of `points`, refused ones
   * included, is disconnected with reason `rate limited`. Default 10.
   */
  disconnectAt?: number;
}

/** Most event names `rateLimit.events` may declare (they are metric labels). */
export const MAX_RATE_LIMITED_EVENTS = 1000;
/** Longest event name `rateLimit.events` may declare. */
export const MAX_RATE_LIMITED_EVENT_NAME = 256;
/** Rate-limited sockets remembered for the admin page (the most recent ones). */
export const MAX_RECENT_LIMITED = 100;

/**
 * Passed to a socket's `error` listeners when an event without ack went over its limit; an event with an
 * ack gets `{ error: { code: "RATE_LIMITED", retryAfterMs } }` as its answer instead.
 */
export class RateLimitError extends SocketIOError {
  /** Milliseconds until the event would be accepted again. */
  readonly retryAfterMs: number;
  /** The refused event's name. */
  readonly event: string;
  constructor(event: string, retryAfterMs: number) {
    super(ErrorCode.RATE_LIMITED, `rate limit exceeded for "${event}"`);
    this.event = event;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A socket's buckets and its current window of the disconnect threshold. */
interface SocketBudget {
  all: Bucket;
  events: Map<string, Bucket> | undefined;
  windowStart: number;
  count: number;
}

/** What the limiter decided for one event. */
export type Verdict = 0 | { retryAfterMs: number } | "disconnect";

/** A socket as the limiter sees it (only its identity and namespace). */
interface Limited {
  readonly id: string;
  readonly nsp: { readonly name: string };
}

/** @internal The `rateLimit` of one server and its counters. */
export class RateLimiter {
  readonly #all: TokenBucketPolicy;
  readonly #events: Map<string, TokenBucketPolicy>;
  readonly #threshold: number;
  readonly #budgets = new WeakMap<object, SocketBudget>();
  /** Refused events by metric label: a name of `rateLimit.events`, or `other`. */
  readonly refused = new Map<string, number>();
  /** Sockets disconnected with `rate limited`. */
  disconnects = 0;
  /**
   * The most recently refused (socket, event label) pairs, oldest first, at most {@link MAX_RECENT_LIMITED}:
   * read by the admin page. Keyed by `${socket id}\0${label}`.
   */
  readonly recent = new Map<
    string,
    { id: string; nsp: string; event: string; refused: number; at: number }
  >();

  constructor(opts: RateLimitOptions) {
    this.#all = new TokenBucketPolicy(opts.points, opts.duration);
    this.#events = new Map();
    for (const [name, budget] of Object.entries(opts.events ?? {}))
      this.#events.set(name, new TokenBucketPolicy(budget.points, budget.duration));
    this.#threshold = (opts.disconnectAt ?? 10) * opts.points;
  }

  /** Spends the budgets of `socket` for one `event`: 0 when accepted. */
  check(socket: Limited, event: unknown, now = Date.now()): Verdict {
    let budget = this.#budgets.get(socket);
    if (budget === undefined) {
      budget = { all: this.#all.create(now), events: undefined, windowStart: now, count: 0 };
      this.#budgets.set(socket, budget);
    }
    if (now - budget.windowStart >= this.#all.duration) {
      budget.windowStart = now;
      budget.count = 0;
    }
    if (++budget.count >= this.#threshold) return "disconnect";
    const name = typeof event === "string" ? event : "";
    const policy = this.#events.get(name);
    let bucket: Bucket | undefined;
    if (policy !== undefined) {
      const events = (budget.events ??= new Map());
      bucket = events.get(name);
      if (bucket === undefined) events.set(name, (bucket = policy.create(now)));
      if (!policy.has(bucket, now))
        return this.#refuse(socket, name, policy.retryAfterMs(bucket), now);
    }
    if (!this.#all.has(budget.all, now))
      return this.#refuse(socket, name, this.#all.retryAfterMs(budget.all), now);
    budget.all.tokens -= 1;
    if (bucket !== undefined) bucket.tokens -= 1;
    return 0;
  }

  #refuse(socket: Limited, name: string, retryAfterMs: number, now: number): Verdict {
    const label = this.#events.has(name) ? name : "other";
    this.refused.set(label, (this.refused.get(label) ?? 0) + 1);
    const recent = this.recent;
    const key = `${socket.id}\0${label}`;
    const entry = recent.get(key);
    recent.delete(key);
    recent.set(key, {
      id: socket.id,
      nsp: socket.nsp.name,
      event: label,
      refused: (entry?.refused ?? 0) + 1,
      at: now,
    });
    if (recent.size > MAX_RECENT_LIMITED) recent.delete(recent.keys().next().value!);
    debug("refused %s from %s (retry in %d ms)", label, socket.id, retryAfterMs);
    return { retryAfterMs };
  }
}

/** @internal Validates `rateLimit`; throws ERR_SB_INVALID_OPTION. */
export function resolveRateLimit(value: unknown): RateLimiter | undefined {
  if (value === undefined || value === false) return undefined;
  const fail = (message: string): never => {
    throw new SocketIOError(ErrorCode.INVALID_OPTION, `rateLimit: ${message}`);
  };
  const problem = checkBudget(value);
  if (problem !== null) fail(problem);
  const opts = value as RateLimitOptions;
  if (opts.events !== undefined) {
    if (typeof opts.events !== "object" || opts.events === null) fail("events must be an object");
    const names = Object.keys(opts.events);
    if (names.length > MAX_RATE_LIMITED_EVENTS)
      fail(`events declares ${names.length} names, at most ${MAX_RATE_LIMITED_EVENTS}`);
    for (const name of names) {
      if (name.length > MAX_RATE_LIMITED_EVENT_NAME)
        fail(`event names are at most ${MAX_RATE_LIMITED_EVENT_NAME} characters`);
      const p = checkBudget(opts.events[name]);
      if (p !== null) fail(`events["${name}"]: ${p}`);
    }
  }
  const at = opts.disconnectAt;
  if (at !== undefined && (typeof at !== "number" || !(at >= 1) || !Number.isFinite(at)))
    fail(`disconnectAt must be a number >= 1, got ${String(at)}`);
  return new RateLimiter(opts);
}

/** What `admitEvent` needs of a socket. */
interface LimitHost extends Limited {
  _onerror(err: Error): void;
  readonly client: { _disconnectWith(reason: string): void };
}

/**
 * @internal Whether `args` (`[event, ...args, ack?]`) may go on to the middlewares and listeners. A refused
 * event is answered on its ack, or reported as `error` on the socket; past `disconnectAt` the socket leaves.
 */
export function admitEvent(limiter: RateLimiter, socket: LimitHost, args: unknown[]): boolean {
  const verdict = limiter.check(socket, args[0]);
  if (verdict === 0) return true;
  if (verdict === "disconnect") {
    limiter.disconnects++;
    debug("disconnecting %s: rate limited", socket.id);
    socket.client._disconnectWith("rate limited");
    return false;
  }
  const last = args[args.length - 1];
  // Decoded arguments are never functions: a function last is the ack the socket added.
  if (typeof last === "function")
    (last as (answer: unknown) => void)({
      error: { code: ErrorCode.RATE_LIMITED, retryAfterMs: verdict.retryAfterMs },
    });
  else
    socket._onerror(
      new RateLimitError(typeof args[0] === "string" ? args[0] : "", verdict.retryAfterMs),
    );
  return false;
}
