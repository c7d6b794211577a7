/** Options of {@link Backoff}; names follow the Manager's reconnection options. */
export interface BackoffOptions {
  /** First delay in ms. Default 1000. */
  min?: number;
  /** Upper bound in ms. Default 5000. */
  max?: number;
  /** Jitter: the delay varies by ± this fraction. Default 0.5. */
  jitter?: number;
  /** Growth factor per attempt. Default 2. */
  factor?: number;
}

/**
 * Exponential backoff with jitter (docs/protocol.md §4): attempt n waits `min * factor^n`, moved by up to
 * ±`jitter` of itself, capped at `max`. `attempts` counts the delays handed out since the last `reset()`.
 * @example
 * const b = new Backoff({ min: 100, max: 1000, jitter: 0 });
 * b.duration(); // 100
 * b.duration(); // 200
 */
/** `jitter` if within (0, 1], else 0 (no jitter). @internal */
export function clampJitter(jitter: number): number {
  return jitter > 0 && jitter <= 1 ? jitter : 0;
}

/**
 * The delay before attempt `attempt` (0 for the first): `min * factor^attempt` capped at `max`, then moved by up to
 * ±`jitter` of itself and capped again. The Manager calls it with its own state; {@link Backoff} wraps it. @internal
 */
export function backoffDelay(
  attempt: number,
  min: number,
  max: number,
  jitter: number,
  factor = 2,
  random: () => number = Math.random,
): number {
  // Capped before the jitter so that a long outage cannot overflow to Infinity (and NaN).
  const ms = Math.min(min * Math.pow(factor, attempt), max);
  // At most `ms` while jitter ≤ 1 (clampJitter keeps it so): never below 0.
  const deviation = Math.floor(random() * jitter * ms);
  return Math.min(random() < 0.5 ? ms - deviation : ms + deviation, max);
}

export class Backoff {
  // `declare` fields here are set in the constructor: no class-field definitions in the bundle.
  declare min: number;
  declare max: number;
  declare jitter: number;
  declare factor: number;
  attempts = 0;

  constructor(opts: BackoffOptions = {}) {
    this.min = opts.min ?? 1000;
    this.max = opts.max ?? 5000;
    this.jitter = clampJitter(opts.jitter ?? 0);
    this.factor = opts.factor ?? 2;
  }

  /** The next delay in ms; counts an attempt. */
  duration(random: () => number = Math.random): number {
    return backoffDelay(this.attempts++, this.min, this.max, this.jitter, this.factor, random);
  }

  /** Back to the first delay. */
  reset(): void {
    this.attempts = 0;
  }
}
