// What the page knows, built only from the admin namespace's events: the nodes and their last stats, the
// sockets (development mode), the plotted series and the event log. Views read it; nothing here touches the DOM.
import type { AggregatedEvent, Config, SerializedSocket, ServerStats } from "../../src/protocol.js";
import { GaugeSeries, RateSeries } from "./series.js";

/** A node that stopped reporting for this long is dropped from the list (5 missed `server_stats`). */
export const SERVER_TTL_MS = 10_000;
/** Entries kept in the event log. */
export const LOG_LIMIT = 200;

export interface ServerEntry {
  stats: ServerStats;
  lastSeen: number;
}

export interface LogEntry {
  seq: number;
  time: unknown;
  kind: "in" | "out" | "connect" | "disconnect" | "join" | "leave";
  nsp: string;
  id: string;
  text: string;
}

export interface RoomInfo {
  nsp: string;
  name: string;
  members: string[];
  /** A socket's own room (named after its id). */
  private: boolean;
}

const RATE_TYPES = [
  "packetsIn",
  "packetsOut",
  "bytesIn",
  "bytesOut",
  "eventsIn",
  "eventsOut",
  "connection",
  "disconnection",
] as const;
export type RateType = (typeof RATE_TYPES)[number];

const key = (nsp: string, id: string): string => `${nsp}\u0000${id}`;

export class State {
  config: Config | null = null;
  readonly servers = new Map<string, ServerEntry>();
  readonly sockets = new Map<string, SerializedSocket>();
  readonly clients = new GaugeSeries();
  readonly rates: Record<RateType, RateSeries>;
  readonly log: LogEntry[] = [];
  #seq = 0;

  constructor(now = Date.now()) {
    this.rates = Object.fromEntries(RATE_TYPES.map((t) => [t, new RateSeries(now)])) as Record<
      RateType,
      RateSeries
    >;
  }

  get features(): readonly string[] {
    return this.config?.supportedFeatures ?? [];
  }

  can(feature: string): boolean {
    return this.features.includes(feature);
  }

  onStats(stats: ServerStats, now = Date.now()): void {
    if (typeof stats !== "object" || stats === null || typeof stats.serverId !== "string") return;
    this.servers.set(stats.serverId, { stats, lastSeen: now });
    const events = Array.isArray(stats.aggregatedEvents) ? stats.aggregatedEvents : [];
    // The first sample after connecting carries the node's last minutes: the plots start from there.
    if (Array.isArray(stats.clientsHistory)) this.#history(stats.clientsHistory, events);
    for (const ev of events) this.#aggregate(ev);
    this.sampleClients(now);
  }

  #history(clients: unknown[], events: AggregatedEvent[]): void {
    let since = Infinity;
    for (const sample of clients) {
      if (!Array.isArray(sample)) continue;
      const [t, n] = sample as unknown[];
      if (typeof t !== "number" || typeof n !== "number") continue;
      this.clients.set(t, n);
      since = Math.min(since, t);
    }
    for (const ev of events)
      if (typeof ev?.timestamp === "number") since = Math.min(since, ev.timestamp);
    if (since !== Infinity) for (const series of Object.values(this.rates)) series.extendTo(since);
  }

  #aggregate(ev: AggregatedEvent): void {
    const series = (this.rates as Record<string, RateSeries | undefined>)[ev.type];
    series?.add(ev.timestamp, ev.count);
  }

  /** Forget nodes that stopped reporting; record the clients gauge. */
  sampleClients(now = Date.now()): void {
    for (const [id, entry] of this.servers)
      if (now - entry.lastSeen > SERVER_TTL_MS) this.servers.delete(id);
    let total = 0;
    for (const { stats } of this.servers.values()) total += Number(stats.clientsCount) || 0;
    this.clients.set(now, total);
  }

  /** Sockets per namespace, summed over every node. */
  namespaces(): { name: string; socketsCount: number }[] {
    const counts = new Map<string, number>();
    for (const { stats } of this.servers.values()) {
      for (const ns of Array.isArray(stats.namespaces) ? stats.namespaces : []) {
        counts.set(ns.name, (counts.get(ns.name) ?? 0) + (Number(ns.socketsCount) || 0));
      }
    }
    return [...counts]
      .map(([name, socketsCount]) => ({ name, socketsCount }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  rooms(): RoomInfo[] {
    const rooms = new Map<string, RoomInfo>();
    for (const s of this.sockets.values()) {
      for (const name of s.rooms) {
        const k = key(s.nsp, name);
        let room = rooms.get(k);
        if (room === undefined)
          rooms.set(k, (room = { nsp: s.nsp, name, members: [], private: this.sockets.has(k) }));
        room.members.push(s.id);
      }
    }
    return [...rooms.values()].sort(
      (a, b) =>
        a.nsp.localeCompare(b.nsp) ||
        Number(a.private) - Number(b.private) ||
        a.name.localeCompare(b.name),
    );
  }

  setSockets(list: SerializedSocket[]): void {
    this.sockets.clear();
    for (const s of Array.isArray(list) ? list : []) this.#put(s);
  }

  socketConnected(s: SerializedSocket, time: unknown): void {
    this.#put(s);
    this.#log(
      "connect",
      s.nsp,
      s.id,
      s.handshake?.address ? `from ${s.handshake.address}` : "",
      time,
    );
  }

  #put(s: SerializedSocket): void {
    if (typeof s?.id !== "string" || typeof s.nsp !== "string") return;
    this.sockets.set(key(s.nsp, s.id), {
      ...s,
      rooms: Array.isArray(s.rooms) ? s.rooms.map(String) : [],
    });
  }

  socketUpdated(patch: Partial<SerializedSocket> & { id: string; nsp: string }): void {
    const k = key(patch?.nsp, patch?.id);
    const s = this.sockets.get(k);
    if (s !== undefined)
      this.sockets.set(k, {
        ...s,
        ...patch,
        rooms: Array.isArray(patch.rooms) ? patch.rooms : s.rooms,
      });
  }

  socketDisconnected(nsp: string, id: string, reason: string, time: unknown): void {
    this.sockets.delete(key(nsp, id));
    this.#log("disconnect", nsp, id, String(reason), time);
  }

  roomJoined(nsp: string, room: string, id: string, time: unknown): void {
    const s = this.sockets.get(key(nsp, id));
    if (s !== undefined && !s.rooms.includes(room)) s.rooms = [...s.rooms, room];
    if (room !== id) this.#log("join", nsp, id, room, time);
  }

  roomLeft(nsp: string, room: string, id: string, time: unknown): void {
    const s = this.sockets.get(key(nsp, id));
    if (s !== undefined) s.rooms = s.rooms.filter((r) => r !== room);
    if (room !== id) this.#log("leave", nsp, id, room, time);
  }

  event(
    direction: "in" | "out",
    nsp: string,
    id: string,
    args: unknown[],
    time: unknown,
    text: string,
  ): void {
    if (Array.isArray(args)) this.#log(direction, nsp, id, text, time);
  }

  #log(kind: LogEntry["kind"], nsp: string, id: string, text: string, time: unknown): void {
    if (!this.can("ALL_EVENTS")) return;
    this.log.unshift({ seq: ++this.#seq, time, kind, nsp: String(nsp), id: String(id), text });
    if (this.log.length > LOG_LIMIT) this.log.length = LOG_LIMIT;
  }

  clearLog(): void {
    this.log.length = 0;
  }
}

/** The sockets whose id, namespace, address, rooms, data or query contain `query` (case-insensitive), at most `max`. */
export function filterSockets(
  state: State,
  query: string,
  max: number,
): { rows: [string, SerializedSocket][]; total: number } {
  const q = query.trim().toLowerCase();
  const rows: [string, SerializedSocket][] = [];
  let total = 0;
  for (const entry of state.sockets) {
    const s = entry[1];
    if (q !== "") {
      let data = "";
      try {
        data = JSON.stringify([s.data, s.handshake?.query]) ?? "";
      } catch {
        // unserialisable data is not searchable
      }
      const haystack = [s.id, s.nsp, String(s.handshake?.address ?? ""), ...s.rooms, data]
        .join("\n")
        .toLowerCase();
      if (!haystack.includes(q)) continue;
    }
    total++;
    if (rows.length < max) rows.push(entry);
  }
  return { rows, total };
}
