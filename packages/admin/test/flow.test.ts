// Issue #18 on the admin namespace: slow consumers and rate-limited sockets in `server_stats.flow` (official
// clients: one whose raw TCP socket is paused, one flooding a rate-limited event), and issue #20: the admin
// namespace's own emits (`server_stats` to each page) are not counted as the app's events.
import type { Socket as NetSocket } from "node:net";
import { get } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { io as officialIo, type Socket as OfficialSocket } from "socket.io-client";
import type { Socket as ServerSocket } from "@switchboard/server";
import type { FlowStats } from "../src/protocol.js";
import { adminClient, closeAll, onCleanup, startServer, type TestServer } from "./helpers.js";

afterEach(closeAll);

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** An official client over WebSocket, connected, with its server-side socket. */
async function official(s: TestServer): Promise<{ client: OfficialSocket; socket: ServerSocket }> {
  const seen = new Promise<ServerSocket>((resolve) => s.io.once("connection", resolve));
  const client = officialIo(s.url, {
    forceNew: true,
    reconnection: false,
    transports: ["websocket"],
  });
  onCleanup(() => client.disconnect());
  const socket = await seen;
  if (!client.connected) await new Promise((r) => client.once("connect", () => r(undefined)));
  return { client, socket };
}

/** Stops the client reading: its raw TCP socket is paused (destroyed at cleanup). */
function stall(client: OfficialSocket): () => void {
  const engine = (client.io as unknown as { engine: { transport: { ws: { _socket: NetSocket } } } })
    .engine;
  const raw = engine.transport.ws._socket;
  raw.pause();
  onCleanup(() => raw.destroy());
  return () => raw.resume();
}

function flowOf(stats: { flow?: FlowStats }): FlowStats {
  if (stats.flow === undefined) throw new Error("server_stats without flow");
  return stats.flow;
}

describe("server_stats.flow (issue #18)", () => {
  it("lists a stalled socket over its mark, then forgets it once it drained", async () => {
    const s = await startServer(
      { auth: false, mode: "production", statsInterval: 100 },
      { backpressure: { highWaterMark: 64 * 1024 } },
    );
    const admin = await adminClient(s.url, undefined);
    const slow = await official(s);
    const healthy = await official(s);
    const resume = stall(slow.client);
    // smaller than the mark: emit() returns false only once the stalled connection really holds them
    const chunk = "c".repeat(8 * 1024);
    const before = Date.now();
    while (slow.socket.emit("fill", chunk)) await turn();
    healthy.socket.emit("fill", "small");

    const [stats] = await admin.wait("server_stats", (st) =>
      flowOf(st).slowConsumers.some((e) => e.sockets.some((x) => x.id === slow.socket.id)),
    );
    const flow = flowOf(stats);
    expect(flow.overMark).toBe(1);
    expect(flow.slowConsumers).toHaveLength(1);
    const entry = flow.slowConsumers[0]!;
    expect(entry).toMatchObject({
      id: slow.socket.conn.id,
      sockets: [{ nsp: "/", id: slow.socket.id }],
    });
    expect(entry.queuedBytes).toBeGreaterThan(64 * 1024);
    expect(entry.since).toBeGreaterThanOrEqual(before - 1000);
    expect(entry.closedAt).toBeUndefined();

    const drained = new Promise<void>((r) => slow.socket.once("drain", () => r()));
    resume();
    await drained;
    const [after] = await admin.wait(
      "server_stats",
      (st) => flowOf(st).overMark === 0 && flowOf(st).slowConsumers.length === 0,
    );
    expect(flowOf(after).rateLimited).toEqual([]);
  });

  it("keeps a socket disconnected as a slow consumer, with its id and when", async () => {
    const s = await startServer(
      { auth: false, mode: "production", statsInterval: 100 },
      { backpressure: { highWaterMark: 16 * 1024, maxBufferedBytes: 64 * 1024 } },
    );
    const admin = await adminClient(s.url, undefined);
    const slow = await official(s);
    const id = slow.socket.id;
    const gone = new Promise<string>((r) => slow.socket.once("disconnect", r));
    stall(slow.client);
    const chunk = "c".repeat(16 * 1024);
    while (slow.socket.connected) {
      slow.socket.emit("fill", chunk);
      await turn();
    }
    expect(await gone).toBe("slow consumer");
    const [stats] = await admin.wait("server_stats", (st) =>
      flowOf(st).slowConsumers.some((e) => e.closedAt !== undefined),
    );
    const flow = flowOf(stats);
    expect(flow.slowConsumerDisconnects).toBe(1);
    expect(flow.overMark).toBe(0);
    expect(flow.slowConsumers).toHaveLength(1);
    expect(flow.slowConsumers[0]!.sockets).toEqual([{ nsp: "/", id }]);
    expect(flow.slowConsumers[0]!.closedAt).toBeGreaterThanOrEqual(flow.slowConsumers[0]!.since);
  });

  it("lists rate-limited sockets by event label, bounded to the declared names and other", async () => {
    const s = await startServer(
      { auth: false, mode: "production", statsInterval: 100 },
      {
        rateLimit: {
          points: 5,
          duration: 60_000,
          disconnectAt: 100,
          events: { "chat:send": { points: 2, duration: 60_000 } },
        },
      },
    );
    s.io.on("connection", (socket) => socket.on("error", () => {}));
    const admin = await adminClient(s.url, undefined);
    const flooder = await official(s);
    const answers: unknown[] = [];
    for (let i = 0; i < 5; i++)
      flooder.client.emit("chat:send", i, (r: unknown) => answers.push(r));
    // 2 tokens of the socket's 5 are spent: 3 of these pass, 2 are refused under `other`
    for (let i = 0; i < 5; i++) flooder.client.emit(`made-up-${i}`);
    const [stats] = await admin.wait("server_stats", (st) => flowOf(st).rateLimitedEvents === 5);
    const flow = flowOf(stats);
    const rows = flow.rateLimited.map(({ id, nsp, event, count }) => ({ id, nsp, event, count }));
    expect(rows).toEqual([
      { id: flooder.socket.id, nsp: "/", event: "other", count: 2 },
      { id: flooder.socket.id, nsp: "/", event: "chat:send", count: 3 },
    ]);
    expect(flow.rateLimited[0]!.at).toBeGreaterThanOrEqual(flow.rateLimited[1]!.at);
    expect(answers).toHaveLength(3);
  });
});

function scrape(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${url}/metrics`, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

describe("the admin namespace's own traffic (issue #20)", () => {
  it("is not counted in events out, in server_stats nor in switchboard_events_total", async () => {
    const s = await startServer({
      auth: false,
      mode: "development",
      statsInterval: 50,
      metrics: true,
    });
    const admin = await adminClient(s.url, undefined);
    // several server_stats (and config, all_sockets) went to the admin page
    await admin.wait("server_stats", () => admin.all("server_stats").length >= 4);
    expect(s.admin.stream.totalTraffic()).toMatchObject({ eventsIn: 0, eventsOut: 0 });
    const [quiet] = await admin.wait("server_stats", () => admin.all("server_stats").length >= 5);
    expect(quiet.totals).toMatchObject({ eventsIn: 0, eventsOut: 0 });
    expect(quiet.aggregatedEvents.filter((e: { type: string }) => e.type === "eventsOut")).toEqual(
      [],
    );
    const body = await scrape(s.url);
    expect(body).toMatch(/^switchboard_events_total\{direction="out"\} 0$/m);

    // the app's own events still count
    const app = await official(s);
    const got = new Promise((r) => app.client.once("greet", r));
    app.socket.emit("greet", "hi");
    await got;
    const [busy] = await admin.wait("server_stats", (st) => st.totals.eventsOut === 1);
    expect(busy.totals.eventsIn).toBe(0);
    expect(await scrape(s.url)).toMatch(/^switchboard_events_total\{direction="out"\} 1$/m);
  });
});
