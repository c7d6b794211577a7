/** Types for the statistics helpers (stats.mjs), used by the tests. */
export declare class Latencies {
  constructor(capacity?: number);
  add(ms: number): void;
  readonly count: number;
  summary(): { p50: number | null; p99: number | null; p999: number | null };
}
export declare function round3(x: number): number;
export declare function median(xs: unknown[]): number | null;
export declare function pool<T>(
  n: number,
  limit: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]>;
