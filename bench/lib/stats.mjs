// Small statistics helpers: a growable latency recorder with percentiles, and medians.

/** Records latency samples (ms) into a growable Float64Array; cheap enough for millions of samples. */
export class Latencies {
  #buf;
  #n = 0;

  constructor(capacity = 1024) {
    this.#buf = new Float64Array(Math.max(16, capacity));
  }

  add(ms) {
    if (this.#n === this.#buf.length) {
      const next = new Float64Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf[this.#n++] = ms;
  }

  get count() {
    return this.#n;
  }

  /**
   * `{ p50, p99, p999 }` in ms (null when empty). p999 needs ≥ 1,000 samples to mean more than the maximum.
   * @example
   * const l = new Latencies();
   * l.add(1.5);
   * l.summary(); // { p50: 1.5, p99: 1.5, p999: 1.5 }
   */
  summary() {
    if (this.#n === 0) return { p50: null, p99: null, p999: null };
    const sorted = this.#buf.slice(0, this.#n).sort();
    return { p50: pick(sorted, 0.5), p99: pick(sorted, 0.99), p999: pick(sorted, 0.999) };
  }
}

function pick(sorted, q) {
  return round3(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}

export function round3(x) {
  return Math.round(x * 1000) / 1000;
}

/** Median of the finite numbers in `xs` (null when there are none). */
export function median(xs) {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Runs `fn(i)` for i in [0, n) with at most `limit` in flight; resolves with the results in order. */
export async function pool(n, limit, fn) {
  const out = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return out;
}
