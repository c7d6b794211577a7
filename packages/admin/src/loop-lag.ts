import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** Event-loop delay sampled by libuv (`perf_hooks.monitorEventLoopDelay`), read and reset per interval. */
export class LoopLag {
  readonly #h: IntervalHistogram;

  constructor(resolutionMs = 20) {
    this.#h = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#h.enable();
  }

  /** Mean and max delay since the last `take()`, in milliseconds (0 before any sample). */
  take(): { mean: number; max: number } {
    const h = this.#h;
    const mean = Number.isFinite(h.mean) ? h.mean / 1e6 : 0;
    const max = h.count > 0 ? h.max / 1e6 : 0;
    h.reset();
    return { mean, max };
  }

  /** Stop sampling. */
  close(): void {
    this.#h.disable();
  }
}
