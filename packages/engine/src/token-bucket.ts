// A token bucket without timers (issue #18): the tokens a bucket regained since it was last read are
// added when it is read again, so an idle bucket costs nothing and there is no timer per socket or address.

/** @internal One bucket: its tokens and when they were last counted. */
export interface Bucket {
  tokens: number;
  at: number;
}

/** @internal A budget of `points` per `duration` ms, refilled continuously. */
export class TokenBucketPolicy {
  readonly points: number;
  readonly duration: number;
  readonly #perMs: number;

  constructor(points: number, duration: number) {
    this.points = points;
    this.duration = duration;
    this.#perMs = points / duration;
  }

  /** A full bucket. */
  create(now: number): Bucket {
    return { tokens: this.points, at: now };
  }

  /** Adds what `bucket` regained since it was last counted. */
  refill(bucket: Bucket, now: number): void {
    const elapsed = now - bucket.at;
    if (elapsed > 0) {
      bucket.tokens = Math.min(this.points, bucket.tokens + elapsed * this.#perMs);
      bucket.at = now;
    }
  }

  /** Whether one token is available (after refilling); does not spend it. */
  has(bucket: Bucket, now: number): boolean {
    this.refill(bucket, now);
    return bucket.tokens >= 1;
  }

  /** Milliseconds until one token is available (0 when one is). */
  retryAfterMs(bucket: Bucket): number {
    // The epsilon keeps float noise (0.998 tokens after 499 ms of 2/s) from adding a whole ms.
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.#perMs - 1e-6);
  }

  /** Whether the bucket is full again (it can be forgotten: a new one would be the same). */
  isFull(bucket: Bucket, now: number): boolean {
    this.refill(bucket, now);
    return bucket.tokens >= this.points;
  }
}

/**
 * @internal Checks a `{ points, duration }` option: positive integer points, positive finite duration.
 * Returns an error message, or null when valid.
 */
export function checkBudget(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return "must be an object { points, duration }";
  const { points, duration } = value as { points?: unknown; duration?: unknown };
  if (typeof points !== "number" || !Number.isInteger(points) || points < 1)
    return `points must be an integer >= 1, got ${String(points)}`;
  if (typeof duration !== "number" || !Number.isFinite(duration) || duration <= 0)
    return `duration must be a positive number of ms, got ${String(duration)}`;
  return null;
}
