import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** Sampling resolution of {@link LoopLag}, ms. */
export const LOOP_LAG_RESOLUTION_MS = 20;

/** What {@link LoopLag} reads: the part of `IntervalHistogram` used (a fake in unit tests). */
export type DelayHistogram = Pick<
  IntervalHistogram,
  "count" | "mean" | "max" | "reset" | "enable" | "disable"
>;

/**
 * Event-loop lag sampled by libuv (`perf_hooks.monitorEventLoopDelay`), read and reset per interval.
 *
 * The histogram records the time between two of its timer's runs, so an idle loop reads the
 * resolution itself (20 ms), not 0: the resolution is subtracted from every figure, and the result
 * never goes below 0. The lag is therefore "how late the loop ran a timer", as `toobusy`-style tools report it.
 */
export class LoopLag {
  readonly #h: DelayHistogram;
  readonly #resolutionMs: number;

  constructor(
    resolutionMs = LOOP_LAG_RESOLUTION_MS,
    histogram: DelayHistogram = monitorEventLoopDelay({ resolution: resolutionMs }),
  ) {
    this.#resolutionMs = resolutionMs;
    this.#h = histogram;
    this.#h.enable();
  }

  /** Mean and max lag since the last `take()`, in milliseconds (0 before any sample). */
  take(): { mean: number; max: number } {
    const h = this.#h;
    const lag = (ns: number): number => Math.max(0, ns / 1e6 - this.#resolutionMs);
    const sampled = h.count > 0 && Number.isFinite(h.mean);
    const mean = sampled ? lag(h.mean) : 0;
    const max = sampled ? lag(h.max) : 0;
    h.reset();
    return { mean, max };
  }

  /** Stop sampling. */
  close(): void {
    this.#h.disable();
  }
}
