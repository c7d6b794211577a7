// Renders the stat cards and the small tables (servers, namespaces, rooms, event log) from the State.
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
import type { State } from "./state.js";

function row(...cells: (Node | string)[]): HTMLTableRowElement {
  return h("tr", {}, ...cells.map((c) => h("td", {}, c)));
}

function empty(tbody: HTMLElement, columns: number, text: string): void {
  fill(
    tbody,
    h(
      "tr",
      { class: "empty" },
      Object.assign(h("td", { class: "muted" }, text), { colSpan: columns }),
    ),
  );
}

/** The numbers at the top. */
export function renderStats(state: State, now: number): void {
  const clients = state.clients.last() ?? 0;
  const r = state.rates;
  const values: Record<string, string> = {
    clients: formatCount(clients),
    servers: formatCount(state.servers.size),
    sockets: formatCount(state.namespaces().reduce((n, ns) => n + ns.socketsCount, 0)),
    "packets-in": formatCount(r.packetsIn.rate(now)),
    "packets-out": formatCount(r.packetsOut.rate(now)),
    "bytes-in": formatBytes(r.bytesIn.rate(now)),
    "bytes-out": formatBytes(r.bytesOut.rate(now)),
    "events-in": formatCount(r.eventsIn.rate(now)),
    "events-out": formatCount(r.eventsOut.rate(now)),
  };
  for (const [name, value] of Object.entries(values)) setText(byId(`stat-${name}`), value);
}

export function renderServers(state: State, now: number): void {
  const tbody = byId("servers-body");
  const entries = [...state.servers.values()].sort((a, b) =>
    a.stats.serverId.localeCompare(b.stats.serverId),
  );
  if (entries.length === 0) return empty(tbody, 8, "Waiting for server stats…");
  fill(
    tbody,
    ...entries.map(({ stats, lastSeen }) => {
      const tr = row(
        h("code", {}, stats.serverId),
        `${stats.hostname} (pid ${stats.pid})`,
        formatDuration(Number(stats.uptime) || 0),
        formatCount(Number(stats.clientsCount) || 0),
        formatCount(Number(stats.pollingClientsCount) || 0),
        stats.eventLoopLagMs === undefined ? "—" : `${stats.eventLoopLagMs.toFixed(1)} ms`,
        stats.memory === undefined ? "—" : formatBytes(stats.memory.rss),
        `${Math.max(0, Math.round((now - lastSeen) / 1000))} s ago`,
      );
      tr.dataset.serverId = stats.serverId;
      tr.cells[5]?.setAttribute("data-col", "lag");
      if (stats.serverId === state.config?.serverId) tr.classList.add("current");
      return tr;
    }),
  );
}

export function renderNamespaces(state: State): void {
  const tbody = byId("namespaces-body");
  const list = state.namespaces();
  if (list.length === 0) return empty(tbody, 2, "No namespace yet");
  fill(
    tbody,
    ...list.map((ns) =>
      Object.assign(row(h("code", {}, ns.name), formatCount(ns.socketsCount)), { title: ns.name }),
    ),
  );
}

export function renderRooms(state: State): void {
  const tbody = byId("rooms-body");
  // A page cannot show every room of a big server: the first ones, the sockets table's filter finds the others.
  const rooms = state
    .rooms()
    .filter((r) => !r.private)
    .slice(0, 500);
  if (rooms.length === 0) return empty(tbody, 3, "No room besides the sockets' own");
  fill(
    tbody,
    ...rooms.map((room) => {
      const tr = row(
        h("code", {}, room.nsp),
        h("code", {}, room.name),
        formatCount(room.members.length),
      );
      tr.dataset.room = room.name;
      tr.dataset.nsp = room.nsp;
      return tr;
    }),
  );
}

const KIND_LABEL: Record<string, string> = {
  in: "received",
  out: "sent",
  connect: "connected",
  disconnect: "disconnected",
  join: "joined",
  leave: "left",
};

/** The event log (development mode): newest first, at most LOG_LIMIT rows. */
export function renderLog(state: State): void {
  const tbody = byId("log-body");
  if (state.log.length === 0) return empty(tbody, 5, "No event yet");
  fill(
    tbody,
    ...state.log.map((e) => {
      const tr = row(
        formatTime(e.time),
        h("span", { class: `kind kind-${e.kind}` }, KIND_LABEL[e.kind] ?? e.kind),
        h("code", {}, e.nsp),
        h("code", {}, e.id),
        h("code", {}, e.text),
      );
      tr.dataset.kind = e.kind;
      return tr;
    }),
  );
}
