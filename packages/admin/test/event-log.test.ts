// The development-mode event log's budget (issue #8): at most `eventLogRate` entries per second leave a
// node, the rest are counted as dropped in server_stats, and a dropped entry costs (almost) nothing.
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { Server } from "@switchboard/server";
import {
  acquireStream,
  AdminError,
  AdminErrorCode,
  instrument,
  type ServerStats,
} from "@switchboard/admin";
import { DEFAULT_EVENT_LOG_RATE } from "@switchboard/admin/internal";
import { EventLogGate } from "../src/event-log.js";
import { adminClient, appClient, closeAll, startServer, until } from "./helpers.js";

afterEach(closeAll);

describe("EventLogGate", () => {
  it("admits `rate` entries per window, counts the rest, and opens a new window on tick", () => {
    const gate = new EventLogGate(2);
    let ticks = 0;
    gate.onTick = () => ticks++;
    expect([gate.admit(), gate.admit(), gate.admit(), gate.admit()]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(gate.dropped).toBe(2);
    gate.tick();
    expect(ticks).toBe(1);
    expect([gate.admit(), gate.admit(), gate.admit()]).toEqual([true, true, false]);
    expect(gate.dropped).toBe(3);
  });

  it("admits everything with Infinity and nothing with 0", () => {
    const all = new EventLogGate(Infinity);
    for (let i = 0; i < 1000; i++) expect(all.admit()).toBe(true);
    const none = new EventLogGate(0);
    expect(none.admit()).toBe(false);
    expect(none.dropped).toBe(1);
    expect(DEFAULT_EVENT_LOG_RATE).toBe(100);
  });
});

describe("stream capture pause", () => {
  it("counts instead of emitting while paused, and never hooks an ignored namespace", async () => {
    const { io, url } = await startServer({ auth: false, mode: "production" });
    io.on("connection", (socket) => {
      for (const ev of ["a", "b", "c"]) socket.on(ev, (_n: number, ack: () => void) => ack());
    });
    const { stream, release } = acquireStream(io);
    const seen: unknown[][] = [];
    const off = stream.on("event_received", (_s, args) => seen.push(args));
    const capture = stream.captureEvents();
    const app = await appClient(url);
    const admin = await appClient(url, {}, "/admin");
    const adminSocket = io.of("/admin").sockets.get(admin.id!)!;
    const unignore = stream.ignoreNamespace(io.of("/admin"));
    expect(adminSocket.listenersAny()).toHaveLength(0);
    expect(io.sockets.sockets.get(app.id!)!.listenersAny()).toHaveLength(1);

    await app.emitWithAck("a", 1);
    expect(seen).toEqual([["a", 1]]);
    capture.pause();
    const before = stream.skippedEvents;
    await app.emitWithAck("b", 2);
    expect(seen).toHaveLength(1);
    expect(stream.skippedEvents).toBe(before + 1);
    capture.resume();
    await app.emitWithAck("c", 3);
    expect(seen).toEqual([
      ["a", 1],
      ["c", 3],
    ]);

    unignore();
    expect(adminSocket.listenersAny()).toHaveLength(1); // capture is on: hooked again
    capture();
    expect(adminSocket.listenersAny()).toHaveLength(0);
    off();
    release();
  });
});

describe("instrument() eventLogRate", () => {
  it("forwards at most the budget, in order, and reports every other entry as dropped", async () => {
    const { url, io } = await startServer({
      auth: false,
      mode: "development",
      statsInterval: 100,
      eventLogRate: 3,
    });
    io.on("connection", (socket) => socket.on("sync", (ack: () => void) => ack()));
    const rec = await adminClient(url, undefined);
    await rec.wait("config");
    const app = await appClient(url);
    for (let i = 0; i < 20; i++) app.emit("n", i);
    await app.emitWithAck("sync"); // 21 events in all
    const logged = (): unknown[][] =>
      rec
        .all("event_received")
        .filter(([, id]) => id === app.id)
        .map(([, , args]) => args as unknown[]);
    // Every event is either logged or counted as dropped (what a paused capture skipped is booked on the next one-second tick).
    const [stats] = (await rec.wait(
      "server_stats",
      (s: ServerStats) => logged().length + (s.totals?.eventLogDropped ?? 0) === 21,
    )) as [ServerStats];
    const entries = logged();
    expect(entries.slice(0, 3)).toEqual([
      ["n", 0],
      ["n", 1],
      ["n", 2],
    ]);
    // one window's budget, or two when the burst straddled a window boundary
    expect(entries.length).toBeLessThanOrEqual(6);
    expect(stats.totals!.eventLogDropped).toBeGreaterThanOrEqual(15);
    // per-second counts of drops, as an aggregated event type (the official UI ignores unknown types)
    await until(() => {
      const dropped = rec
        .all("server_stats")
        .flatMap(([s]) => (s as ServerStats).aggregatedEvents)
        .filter((e) => e.type === "eventLogDropped");
      return dropped.reduce((n, e) => n + e.count, 0) === 21 - entries.length;
    }, "eventLogDropped aggregated events");
  });

  it("logs nothing and hooks no socket with 0", async () => {
    const { url, io } = await startServer({ auth: false, mode: "development", eventLogRate: 0 });
    io.on("connection", (socket) => socket.on("sync", (ack: () => void) => ack()));
    const rec = await adminClient(url, undefined);
    await rec.wait("config");
    const app = await appClient(url);
    await rec.wait("socket_connected"); // the rest of development mode still works
    await app.emitWithAck("sync");
    expect(io.sockets.sockets.get(app.id!)!.listenersAny()).toHaveLength(0);
    expect(rec.all("event_received")).toEqual([]);
  });

  it("refuses a negative or non-numeric rate", async () => {
    const io = new Server(createServer());
    try {
      for (const eventLogRate of [-1, Number.NaN, "100" as unknown as number]) {
        let err: unknown;
        try {
          instrument(io, { auth: false, eventLogRate });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(AdminError);
        expect((err as AdminError).code).toBe(AdminErrorCode.INVALID_OPTION);
      }
    } finally {
      await io.close();
    }
  });
});
