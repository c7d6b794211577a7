/** Types for the summary (report.mjs), used by the tests. */
export interface BenchRecord {
  /** The run's id (its start time); pairs are matched on run and round. */
  run?: string;
  round: number;
  scenario: string;
  impl: string;
  metrics?: Record<string, number | null | boolean>;
  checks?: Record<string, unknown> & { ok?: boolean };
  error?: string;
}
export interface SummaryRow {
  scenario: string;
  metric: string;
  medians: Record<string, number | null>;
  ratio: number | null;
  /** The paired ratio of each round. */
  ratios: number[];
  verdict: "" | "✓" | "✗";
  target: string;
}
export interface Summary {
  rows: SummaryRow[];
  failures: string[];
  met: number;
  missed: number;
}
export declare const BASE: string;
export declare const OURS: string;
export declare const TARGETS: { scenario: string; metric: string; max: number }[];
export declare function summarise(
  records: BenchRecord[],
  scenarios: string[],
  servers: string[],
): Summary;
export declare function table(summary: Summary, servers: string[]): string;
export declare function headline(summary: Summary): string;
