// Tiny DOM helpers. Every piece of data reaches the page through `textContent` or an attribute set with
// `setAttribute` on an element we created: never through `innerHTML`, so nothing a client sends can become markup.

type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  title?: string;
  type?: string;
  placeholder?: string;
  hidden?: boolean;
  /** `data-*` attributes (keys without the `data-` prefix). */
  data?: Record<string, string>;
  /** `aria-*` attributes (keys without the `aria-` prefix). */
  aria?: Record<string, string>;
  onclick?: () => void;
  onsubmit?: (ev: SubmitEvent) => void;
}

/** Create an element; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.id) el.id = props.id;
  if (props.title) el.title = props.title;
  if (props.type) el.setAttribute("type", props.type);
  if (props.placeholder) el.setAttribute("placeholder", props.placeholder);
  if (props.hidden) el.hidden = true;
  for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
  for (const [k, v] of Object.entries(props.aria ?? {})) el.setAttribute(`aria-${k}`, v);
  if (props.onclick) el.addEventListener("click", props.onclick);
  if (props.onsubmit) el.addEventListener("submit", props.onsubmit as EventListener);
  append(el, children);
  return el;
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "number" ? String(c) : c);
  }
}

/** Replace an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** The element with this id, which the page's HTML must contain. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`missing #${id}`);
  return el as T;
}

/** Set text only when it changed (keeps selections and avoids layout work). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** JSON for display, cut at `max` characters; values that cannot be serialised are shown as such. */
export function preview(value: unknown, max = 400): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = "[unserialisable]";
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `12.3 k`, `4.5 M`: numbers for stat cards and axes. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)} G`;
  if (abs >= 1e6) return `${trim(n / 1e6)} M`;
  if (abs >= 1e4) return `${trim(n / 1e3)} k`;
  return Number.isInteger(n) ? String(n) : trim(n);
}

/** `512 B`, `1.5 KB`, `3.2 MB`. */
export function formatBytes(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1024 ** 3) return `${trim(n / 1024 ** 3)} GB`;
  if (abs >= 1024 ** 2) return `${trim(n / 1024 ** 2)} MB`;
  if (abs >= 1024) return `${trim(n / 1024)} KB`;
  return `${Math.round(n)} B`;
}

function trim(n: number): string {
  return n >= 100
    ? n.toFixed(0)
    : n >= 10
      ? n.toFixed(1).replace(/\.0$/, "")
      : n.toFixed(2).replace(/\.?0+$/, "");
}

/** `3d 4h`, `5h 12m`, `42s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const hr = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${hr}h`;
  if (hr > 0) return `${hr}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** Local `HH:MM:SS` of a date or ISO string; the raw value when it is not a date. */
export function formatTime(value: unknown): string {
  const d =
    value instanceof Date
      ? value
      : new Date(typeof value === "string" || typeof value === "number" ? value : NaN);
  if (Number.isNaN(d.getTime())) return String(value ?? "");
  return d.toLocaleTimeString([], { hour12: false });
}
