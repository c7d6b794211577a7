// Renders the "Slow consumers" and "Rate limited" cards (issue #18). Text only, never markup.
import {
  byId,
  fill,
  formatBytes,
  formatCount,
  formatDuration,
  formatTime,
  h,
  setText,
} from "./dom.js";
import type { FlowView } from "./flow.js";

function emptyRow(tbody: HTMLElement, columns: number, text: string): void {
  fill(
    tbody,
    h(
      "tr",
      { class: "empty" },
      Object.assign(h("td", { class: "muted" }, text), { colSpan: columns }),
    ),
  );
}

/** A list of socket ids (`nsp` shown when not the main one), or the session id when it has none. */
function socketCell(sockets: { nsp: string; id: string }[], session: string): HTMLElement {
  if (sockets.length === 0) return h("code", { title: "Engine.IO session" }, String(session));
  return h(
    "span",
    { class: "ids" },
    ...sockets.map((s) =>
      h("code", {}, s.nsp === "/" ? String(s.id) : `${String(s.nsp)} ${String(s.id)}`),
    ),
  );
}

/** `12:04:31 3m 2s ago`, each part unbroken (the cards are narrow on a phone). */
function when(now: number, t: number, prefix = ""): HTMLElement {
  return h(
    "span",
    { class: "when" },
    h("span", {}, `${prefix}${formatTime(t)}`),
    " ",
    h("span", { class: "muted" }, `${formatDuration((now - t) / 1000)} ago`),
  );
}

export function renderFlow(flow: FlowView, now: number): void {
  byId("flow-cards").hidden = !flow.present;
  if (!flow.present) return;
  setText(
    byId("slow-count"),
    `${formatCount(flow.overMark)} over the mark · ${formatCount(flow.slowConsumerDisconnects)} disconnected`,
  );
  setText(byId("limited-count"), `${formatCount(flow.rateLimitedEvents)} refused`);

  const slow = byId("slow-body");
  if (flow.slow.length === 0) emptyRow(slow, 3, "No socket over its high-water mark");
  else
    fill(
      slow,
      ...flow.slow.map((e) => {
        const closed = typeof e.closedAt === "number";
        const tr = h(
          "tr",
          { class: closed ? "closed" : "", data: { id: String(e.id) } },
          h(
            "td",
            {},
            socketCell(e.sockets, e.id),
            closed ? h("span", { class: "badge danger-badge" }, "disconnected") : null,
          ),
          h("td", { data: { col: "queued" } }, formatBytes(Number(e.queuedBytes) || 0)),
          h(
            "td",
            {},
            when(now, Number(e.since)),
            closed ? when(now, Number(e.closedAt), "closed ") : null,
          ),
        );
        tr.dataset["sockets"] = e.sockets.map((s) => String(s.id)).join(" ");
        return tr;
      }),
    );

  const limited = byId("limited-body");
  if (flow.limited.length === 0) emptyRow(limited, 4, "No event refused by the rate limit");
  else
    fill(
      limited,
      ...flow.limited.map((e) =>
        h(
          "tr",
          { data: { id: String(e.id), event: String(e.event) } },
          h("td", {}, socketCell([{ nsp: String(e.nsp), id: String(e.id) }], e.id)),
          h("td", {}, h("code", {}, String(e.event))),
          h("td", { data: { col: "count" } }, formatCount(Number(e.count) || 0)),
          h("td", {}, when(now, Number(e.at))),
        ),
      ),
    );
}
