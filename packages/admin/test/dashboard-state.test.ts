// The dashboard page's model, without a browser: per-second series, stats merged over nodes, the socket list
// kept in step with the admin namespace's events, rooms, the filter and the event log.
import { describe, expect, it } from "vitest";
import { niceCeil, niceCeilBinary } from "../ui/src/chart.js";
import { GaugeSeries, RateSeries, SETTLE_MS, WINDOW_MS } from "../ui/src/series.js";
import { LOG_LIMIT, SERVER_TTL_MS, State, filterSockets } from "../ui/src/state.js";
import { formatBytes, formatCount, formatDuration, preview } from "../ui/src/dom.js";
import type { SerializedSocket, ServerStats } from "../src/protocol.js";
// Type-only (erased at run time): brings every module of the page into the tests' type-check (DOM lib).
import type * as _page from "../ui/src/main.js";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function stats(serverId: string, over: Partial<ServerStats> = {}): ServerStats {
  return {
    serverId,
    hostname: "host",
    pid: 1,
    uptime: 10,
    clientsCount: 0,
    pollingClientsCount: 0,
    aggregatedEvents: [],
    namespaces: [],
    ...over,
  };
}

function sock(id: string, nsp = "/", rooms: string[] = [id], data: unknown = {}): SerializedSocket {
  return {
    id,
    clientId: id.slice(0, 12),
    transport: "websocket",
    nsp,
    data,
    rooms,
    handshake: {
      address: "10.0.0.1",
      headers: {},
      query: { user: `u-${id}` },
      issued: T0,
      secure: false,
      time: "",
      url: "/",
      xdomain: false,
    },
  };
}

describe("series", () => {
  it("sums counts per second, fills gaps with 0 and stops before the unsettled seconds", () => {
    const s = new RateSeries(T0);
    s.add(T0 + 100, 2);
    s.add(T0 + 900, 3);
    s.add(T0 + 2000, 4);
    const now = T0 + 2000 + SETTLE_MS;
    expect(s.points(now)).toEqual([
      [T0, 5],
      [T0 + 1000, 0],
      [T0 + 2000, 4],
    ]);
    expect(s.rate(now, 3)).toBe(3);
    s.add(NaN, 1);
    s.add(T0, Infinity);
    expect(s.points(now)[0]).toEqual([T0, 5]);
  });

  it("keeps only the plotted window", () => {
    const s = new RateSeries(T0);
    s.add(T0, 1);
    const later = T0 + WINDOW_MS + 10_000;
    const points = s.points(later);
    expect(points[0]![0]).toBeGreaterThan(T0);
    expect(points.every(([, v]) => v === 0)).toBe(true);
    expect(points.length).toBe((WINDOW_MS - SETTLE_MS) / 1000 + 1);
  });

  it("samples a gauge, the last sample of a second winning", () => {
    const g = new GaugeSeries();
    expect(g.last()).toBeUndefined();
    g.set(T0, 1);
    g.set(T0 + 500, 2);
    g.set(T0 + 1500, 3);
    expect(g.points(T0 + 2000)).toEqual([
      [T0, 2],
      [T0 + 1000, 3],
    ]);
    expect(g.last()).toBe(3);
  });
});

describe("State", () => {
  it("merges the stats of every node and forgets a node that went quiet", () => {
    const state = new State(T0);
    state.onStats(
      stats("a", { clientsCount: 2, namespaces: [{ name: "/", socketsCount: 2 }] }),
      T0,
    );
    state.onStats(
      stats("b", {
        clientsCount: 3,
        namespaces: [
          { name: "/", socketsCount: 1 },
          { name: "/chat", socketsCount: 2 },
        ],
      }),
      T0 + 100,
    );
    expect(state.clients.last()).toBe(5);
    expect(state.namespaces()).toEqual([
      { name: "/", socketsCount: 3 },
      { name: "/chat", socketsCount: 2 },
    ]);
    state.onStats(stats("b", { clientsCount: 4 }), T0 + SERVER_TTL_MS);
    state.sampleClients(T0 + SERVER_TTL_MS + 1000);
    expect([...state.servers.keys()]).toEqual(["b"]);
    expect(state.clients.last()).toBe(4);
  });

  it("adds up aggregated events of all nodes per type and second, ignoring unknown types", () => {
    const state = new State(T0);
    const ev = (type: string, count: number, t = T0) => ({ timestamp: t, type, count });
    state.onStats(
      stats("a", {
        aggregatedEvents: [
          ev("packetsIn", 3),
          ev("bytesOut", 100),
          ev("eventsIn", 2),
          ev("mystery", 9),
        ],
      }),
      T0,
    );
    state.onStats(
      stats("b", { aggregatedEvents: [ev("packetsIn", 4), ev("eventsIn", 1, T0 + 1000)] }),
      T0,
    );
    const now = T0 + 1000 + SETTLE_MS;
    expect(state.rates.packetsIn.points(now)).toEqual([
      [T0, 7],
      [T0 + 1000, 0],
    ]);
    expect(state.rates.eventsIn.points(now)).toEqual([
      [T0, 2],
      [T0 + 1000, 1],
    ]);
    expect(state.rates.bytesOut.points(now)[0]).toEqual([T0, 100]);
  });

  it("ignores malformed stats instead of throwing", () => {
    const state = new State(T0);
    expect(() => state.onStats(null as unknown as ServerStats)).not.toThrow();
    expect(() =>
      state.onStats({
        serverId: "x",
        aggregatedEvents: "nope",
        namespaces: 3,
      } as unknown as ServerStats),
    ).not.toThrow();
    expect(state.namespaces()).toEqual([]);
  });

  it("keeps the socket list in step: all_sockets, connect, update, join, leave, disconnect", () => {
    const state = new State(T0);
    state.config = { supportedFeatures: ["ALL_EVENTS"] };
    state.setSockets([sock("s1"), sock("s2", "/chat")]);
    state.socketConnected(sock("s3"), new Date(T0).toISOString());
    expect(state.sockets.size).toBe(3);
    state.roomJoined("/", "vip", "s1", T0);
    state.roomJoined("/", "vip", "s3", T0);
    state.roomJoined("/", "vip", "s3", T0);
    expect(state.rooms().filter((r) => !r.private)).toEqual([
      { nsp: "/", name: "vip", members: ["s1", "s3"], private: false },
    ]);
    expect(state.rooms().find((r) => r.name === "s1")?.private).toBe(true);
    state.roomLeft("/", "vip", "s1", T0);
    expect(state.rooms().find((r) => r.name === "vip")?.members).toEqual(["s3"]);
    state.socketUpdated({ id: "s2", nsp: "/chat", transport: "polling", data: { user: "bob" } });
    expect(state.sockets.get("/chat\u0000s2")).toMatchObject({
      transport: "polling",
      data: { user: "bob" },
      rooms: ["s2"],
    });
    state.socketUpdated({ id: "unknown", nsp: "/" });
    expect(state.sockets.size).toBe(3);
    state.socketDisconnected("/", "s3", "transport close", T0);
    expect(state.sockets.has("/\u0000s3")).toBe(false);
    expect(state.log.map((e) => `${e.kind} ${e.id} ${e.text}`)).toEqual([
      "disconnect s3 transport close",
      "leave s1 vip",
      "join s3 vip",
      "join s3 vip",
      "join s1 vip",
      "connect s3 from 10.0.0.1",
    ]);
  });

  it("logs only when the server announced ALL_EVENTS (development mode), at most LOG_LIMIT entries", () => {
    const state = new State(T0);
    state.config = { supportedFeatures: ["AGGREGATED_EVENTS"] };
    state.event("in", "/", "s1", ["hello"], T0, '["hello"]');
    expect(state.log).toHaveLength(0);
    state.config = { supportedFeatures: ["ALL_EVENTS"] };
    for (let i = 0; i < LOG_LIMIT + 5; i++) state.event("out", "/", "s1", [i], T0, String(i));
    expect(state.log).toHaveLength(LOG_LIMIT);
    expect(state.log[0]!.text).toBe(String(LOG_LIMIT + 4));
    state.clearLog();
    expect(state.log).toHaveLength(0);
  });

  it("filters sockets by id, room, address, query or data, and caps the rows", () => {
    const state = new State(T0);
    state.setSockets([
      sock("abc"),
      sock("def", "/", ["def", "sales"]),
      sock("ghi", "/", ["ghi"], { user: "Carol" }),
    ]);
    const ids = (q: string, max = 10) => filterSockets(state, q, max).rows.map(([, s]) => s.id);
    expect(ids("")).toEqual(["abc", "def", "ghi"]);
    expect(ids("SALES")).toEqual(["def"]);
    expect(ids("carol")).toEqual(["ghi"]);
    expect(ids("u-abc")).toEqual(["abc"]);
    expect(ids("10.0.0.1")).toHaveLength(3);
    expect(filterSockets(state, "", 2)).toMatchObject({
      total: 3,
      rows: [[expect.any(String), expect.anything()], expect.anything()],
    });
  });
});

describe("formatting", () => {
  it("picks nice axis maxima", () => {
    expect([0, 0.3, 1, 7, 12, 26, 240, 999].map(niceCeil)).toEqual([
      1, 0.5, 1, 10, 20, 50, 250, 1000,
    ]);
    expect(niceCeilBinary(0)).toBe(1024);
    expect(niceCeilBinary(300)).toBe(1024);
    expect(niceCeilBinary(5000)).toBe(5 * 1024);
    expect(niceCeilBinary(3 * 1024 * 1024)).toBe(5 * 1024 * 1024);
  });

  it("formats counts, bytes, durations and previews", () => {
    expect([0, 7, 9999, 12_345, 2_500_000].map(formatCount)).toEqual([
      "0",
      "7",
      "9999",
      "12.3 k",
      "2.5 M",
    ]);
    expect([0, 512, 1536, 3 * 1024 * 1024].map(formatBytes)).toEqual([
      "0 B",
      "512 B",
      "1.5 KB",
      "3 MB",
    ]);
    expect([5, 125, 3 * 3600 + 60, 2 * 86400 + 3600].map(formatDuration)).toEqual([
      "5s",
      "2m 5s",
      "3h 1m",
      "2d 1h",
    ]);
    expect(preview({ a: "x".repeat(100) }, 20)).toHaveLength(20);
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(preview(cyclic)).toBe("[unserialisable]");
  });
});

describe("history from the server (issue #20)", () => {
  it("starts the plots with the first server_stats' history instead of at page load", () => {
    const state = new State(T0);
    const before = T0 - 120_000;
    state.onStats(
      stats("a", {
        clientsCount: 3,
        aggregatedEvents: [{ timestamp: before, type: "eventsIn", count: 7 }],
        clientsHistory: [
          [before, 1],
          [before + 2000, 2],
        ],
      }),
      T0,
    );
    const events = state.rates.eventsIn.points(T0 + 10_000);
    expect(events[0]).toEqual([before, 7]);
    expect(state.clients.points(T0).slice(0, 2)).toEqual([
      [before, 1],
      [before + 2000, 2],
    ]);
    // without history a series still starts when the page did
    const fresh = new State(T0);
    fresh.onStats(
      stats("a", { aggregatedEvents: [{ timestamp: before, type: "eventsIn", count: 7 }] }),
      T0,
    );
    expect(fresh.rates.eventsIn.points(T0 + 10_000)[0]?.[0]).toBe(T0);
    // malformed history is ignored
    const odd = new State(T0);
    odd.onStats(
      stats("a", { clientsHistory: [["x", 1], null] as unknown as [number, number][] }),
      T0,
    );
    expect(odd.clients.points(T0)).toEqual([[T0, 0]]);
  });
});
