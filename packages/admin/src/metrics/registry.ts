import { AdminError, AdminErrorCode } from "../errors.js";

/** A metric's series, by joined label values. */
interface Series {
  labels: readonly string[];
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[], extra = ""): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? "")}"`);
  if (extra !== "") parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** The handle of one labelled series: keep it to count on a hot path without a lookup. */
export interface SeriesHandle {
  inc(by?: number): void;
  set(value: number): void;
}

abstract class Metric {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  abstract readonly type: "counter" | "gauge" | "histogram";

  constructor(name: string, help: string, labelNames: readonly string[]) {
    if (!NAME.test(name) || labelNames.some((l) => !NAME.test(l) || l.startsWith("__"))) {
      throw new AdminError(
        AdminErrorCode.INVALID_METRIC,
        `invalid metric or label name: ${name} ${labelNames.join(",")}`,
      );
    }
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  protected checkLabels(values: readonly string[]): void {
    if (values.length !== this.labelNames.length) {
      throw new AdminError(
        AdminErrorCode.INVALID_METRIC,
        `${this.name} takes labels (${this.labelNames.join(", ")})`,
      );
    }
  }

  /** The metric's lines in the Prometheus text format (version 0.0.4). */
  abstract render(): string;
}

/** Counters and gauges: one number per label set. */
abstract class ScalarMetric extends Metric {
  #series = new Map<string, Series>();
  #collect: (() => void) | undefined;

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    collect?: (metric: ScalarMetric) => void,
  ) {
    super(name, help, labelNames);
    this.#collect = collect === undefined ? undefined : () => collect(this);
  }

  /** The series for these label values (created at 0). */
  labels(...values: string[]): SeriesHandle {
    this.checkLabels(values);
    const key = values.join("\u0000");
    let s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, (s = { labels: values, value: 0 }));
    const series = s;
    return {
      inc: (by = 1) => {
        series.value += by;
      },
      set: (value) => {
        series.value = value;
      },
    };
  }

  /** Forget every series (gauges recomputed at scrape time). */
  reset(): void {
    this.#series.clear();
  }

  /** The value of one series (0 when absent). */
  get(...values: string[]): number {
    return this.#series.get(values.join("\u0000"))?.value ?? 0;
  }

  render(): string {
    this.#collect?.();
    let out = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    if (this.labelNames.length === 0 && this.#series.size === 0) out += `${this.name} 0\n`;
    for (const s of this.#series.values())
      out += `${this.name}${labelText(this.labelNames, s.labels)} ${formatValue(s.value)}\n`;
    return out;
  }
}

/** A monotonically increasing count. */
export class Counter extends ScalarMetric {
  readonly type = "counter" as const;
}

/** A value that goes up and down; `collect` can refresh it at scrape time. */
export class Gauge extends ScalarMetric {
  readonly type = "gauge" as const;
}

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram extends Metric {
  readonly type = "histogram" as const;
  readonly buckets: readonly number[];
  #series = new Map<
    string,
    { labels: readonly string[]; counts: number[]; sum: number; count: number }
  >();

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    super(name, help, labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  /** Record `value` in the series of these label values. */
  observe(values: readonly string[], value: number): void {
    this.checkLabels(values);
    const key = values.join("\u0000");
    let s = this.#series.get(key);
    if (s === undefined)
      this.#series.set(
        key,
        (s = { labels: values, counts: this.buckets.map(() => 0), sum: 0, count: 0 }),
      );
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string {
    let out = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.#series.values()) {
      this.buckets.forEach((b, i) => {
        out += `${this.name}_bucket${labelText(this.labelNames, s.labels, `le="${formatValue(b)}"`)} ${s.counts[i]}\n`;
      });
      out += `${this.name}_bucket${labelText(this.labelNames, s.labels, 'le="+Inf"')} ${s.count}\n`;
      out += `${this.name}_sum${labelText(this.labelNames, s.labels)} ${formatValue(s.sum)}\n`;
      out += `${this.name}_count${labelText(this.labelNames, s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

/**
 * A set of metrics rendered together in the Prometheus text exposition format.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * const hits = registry.register(new Counter("app_hits_total", "Hits.", ["route"]));
 * hits.labels("/").inc();
 * registry.metrics(); // "# HELP app_hits_total Hits.\n# TYPE app_hits_total counter\napp_hits_total{route=\"/\"} 1\n"
 * ```
 */
export class Registry {
  /** The `Content-Type` of {@link Registry.metrics}'s output. */
  static readonly contentType = "text/plain; version=0.0.4; charset=utf-8";
  #metrics = new Map<string, Metric>();

  /** Add a metric; its name must be unique in the registry. */
  register<M extends Metric>(metric: M): M {
    if (this.#metrics.has(metric.name))
      throw new AdminError(
        AdminErrorCode.INVALID_METRIC,
        `metric ${metric.name} is already registered`,
      );
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  /** Remove a metric by name. */
  remove(name: string): void {
    this.#metrics.delete(name);
  }

  /** Every metric, in the text format. */
  metrics(): string {
    let out = "";
    for (const m of this.#metrics.values()) out += m.render();
    return out;
  }
}
