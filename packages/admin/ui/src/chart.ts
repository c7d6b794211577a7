// A small canvas line chart: a few series over a fixed time window, a "nice" y scale from 0, grid lines and
// axis labels, sharp on high-DPI screens. Colours come from CSS custom properties, so the theme decides them.
import { WINDOW_MS, type Point } from "./series.js";

export interface ChartSeries {
  label: string;
  /** CSS custom property holding the colour, e.g. `--series-1`. */
  colorVar: string;
  points: Point[];
}

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^n) at or above `n`. */
export function niceCeil(n: number): number {
  if (!(n > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= n) return m * exp;
  return 10 * exp;
}

/** As {@link niceCeil}, in units of 1024^n (so that byte axes read 2 KB, 5 MB rather than 4.88 KB). */
export function niceCeilBinary(n: number): number {
  // Below 1 KB the axis reads 0 / 512 B / 1 KB rather than fractions of a byte.
  if (!(n > 1024)) return 1024;
  let unit = 1;
  while (n / unit >= 1024) unit *= 1024;
  return niceCeil(n / unit) * unit;
}

export class LineChart {
  readonly #canvas: HTMLCanvasElement;
  readonly #format: (n: number) => string;
  readonly #ceil: (n: number) => number;

  constructor(canvas: HTMLCanvasElement, format: (n: number) => string, binary = false) {
    this.#canvas = canvas;
    this.#format = format;
    this.#ceil = binary ? niceCeilBinary : niceCeil;
  }

  /** Draw `series` over the window ending at `now`. The newest values are also published as data attributes. */
  draw(series: ChartSeries[], now: number): void {
    const canvas = this.#canvas;
    const ctx = canvas.getContext("2d");
    const cssWidth = canvas.clientWidth;
    const cssHeight = canvas.clientHeight;
    // Publish the newest value of each series: the plot's state without reading pixels (tests, accessibility).
    canvas.dataset.last = series.map((s) => String(s.points.at(-1)?.[1] ?? "")).join(",");
    canvas.dataset.points = String(series.reduce((n, s) => n + s.points.length, 0));
    // The oldest plotted time (history from the server starts it before the page loaded).
    const first = Math.min(...series.map((s) => s.points[0]?.[0] ?? Infinity));
    canvas.dataset.from = Number.isFinite(first) ? String(first) : "";
    if (ctx === null || cssWidth === 0 || cssHeight === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(cssWidth * dpr);
    const height = Math.round(cssHeight * dpr);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);

    const style = getComputedStyle(canvas);
    const color = (name: string, fallback: string): string =>
      style.getPropertyValue(name).trim() || fallback;
    const grid = color("--grid", "#8884");
    const muted = color("--muted", "#888");
    ctx.font = `11px ${style.fontFamily || "sans-serif"}`;

    const max = this.#ceil(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1]))));
    const left =
      Math.max(...[0, max / 2, max].map((v) => ctx.measureText(this.#format(v)).width)) + 10;
    const top = 8;
    const right = cssWidth - 8;
    const bottom = cssHeight - 20;
    const start = now - WINDOW_MS;
    const x = (t: number): number => left + ((t - start) / WINDOW_MS) * (right - left);
    const y = (v: number): number => bottom - (v / max) * (bottom - top);

    // Grid and labels: 4 horizontal lines, one vertical line per minute.
    ctx.lineWidth = 1;
    ctx.strokeStyle = grid;
    ctx.fillStyle = muted;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4;
      const py = Math.round(y(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(right, py);
      ctx.stroke();
      if (i % 2 === 0) ctx.fillText(this.#format(v), left - 6, py);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let m = 0; m <= 5; m++) {
      const px = Math.round(x(now - m * 60_000)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
      ctx.stroke();
      ctx.fillText(m === 0 ? "now" : `-${m}m`, Math.min(px, right - 12), bottom + 5);
    }

    ctx.lineWidth = 2;
    ctx.lineJoin = "round";
    series.forEach((s, i) => {
      const pts = s.points.filter((p) => p[0] >= start);
      if (pts.length === 0) return;
      ctx.strokeStyle = color(
        s.colorVar,
        ["#2563eb", "#16a34a", "#d97706", "#dc2626"][i % 4] ?? "#2563eb",
      );
      ctx.beginPath();
      pts.forEach(([t, v], j) => (j === 0 ? ctx.moveTo(x(t), y(v)) : ctx.lineTo(x(t), y(v))));
      // A single sample is drawn as a short tick, not lost.
      if (pts.length === 1) ctx.lineTo(x(pts[0]![0]) + 2, y(pts[0]![1]));
      ctx.stroke();
    });
  }
}
