// FlowWatch's bounds on fakes (the end-to-end cases are in flow.test.ts): at most 50 slow consumers and 50
// rate-limited entries whatever the server holds, closed slow consumers kept 5 minutes, one entry per
// connection however many of its sockets leave, and the rate limiter's newest refusals first.
import { describe, expect, it } from "vitest";
import { FlowWatch, SLOW_CONSUMER_RETENTION_MS } from "../src/flow-watch.js";
import { MAX_FLOW_ENTRIES, MAX_FLOW_SOCKETS } from "../src/protocol.js";
import type { InstrumentationStream } from "../src/stream/index.js";
import { TypedEmitter } from "../src/typed-emitter.js";
import type { AnyServer, AnySocket } from "../src/types.js";

interface FakeSession {
  id: string;
  bufferedAmount: number;
}

function fakes(sessions: FakeSession[], recent = new Map<string, unknown>()) {
  const overMark = new Set<object>(sessions);
  const flow = { overMark, slowConsumers: 0 };
  const refused = new Map<string, number>();
  const io = {
    engine: { flow },
    _rateLimiter: { refused, disconnects: 0, recent },
  } as unknown as AnyServer;
  const stream = new TypedEmitter() as unknown as InstrumentationStream;
  let now = 1_000_000;
  const watch = new FlowWatch(io, stream, () => now);
  const socket = (conn: string, id: string, nsp = "/") =>
    ({ id, nsp: { name: nsp }, conn: { id: conn, bufferedAmount: 0 } }) as unknown as AnySocket;
  return {
    watch,
    overMark,
    flow,
    refused,
    stream,
    socket,
    advance: (ms: number) => void (now += ms),
    now: () => now,
  };
}

describe("FlowWatch", () => {
  it("lists at most MAX_FLOW_ENTRIES connections over the mark, with their sockets, and drops drained ones", () => {
    const sessions = Array.from({ length: 80 }, (_, i) => ({ id: `s${i}`, bufferedAmount: i }));
    const f = fakes(sessions);
    for (let i = 0; i < 15; i++) f.stream.emit("connection", f.socket("s0", `sock${i}`));
    f.watch.tick();
    const snap = f.watch.snapshot();
    expect(snap.overMark).toBe(80);
    expect(snap.slowConsumers).toHaveLength(MAX_FLOW_ENTRIES);
    expect(snap.slowConsumers[0]!.sockets).toHaveLength(MAX_FLOW_SOCKETS);
    expect(snap.slowConsumers[0]!.since).toBe(f.now());
    // a second later: `since` stays, the queued bytes follow
    f.advance(1000);
    sessions[1]!.bufferedAmount = 4096;
    f.overMark.delete(sessions[0]!);
    f.watch.tick();
    const later = f.watch.snapshot().slowConsumers;
    expect(later.find((e) => e.id === "s0")).toBeUndefined();
    expect(later.find((e) => e.id === "s1")).toMatchObject({
      queuedBytes: 4096,
      since: f.now() - 1000,
    });
    f.watch.close();
  });

  it("keeps a slow-consumer disconnection once per connection, for 5 minutes", () => {
    const session = { id: "conn", bufferedAmount: 70_000 };
    const f = fakes([session]);
    const a = f.socket("conn", "a");
    const b = f.socket("conn", "b", "/chat");
    f.stream.emit("connection", a);
    f.stream.emit("connection", b);
    f.watch.tick();
    const since = f.now();
    f.advance(3000);
    f.overMark.clear();
    f.stream.emit("disconnection", a, "slow consumer");
    f.stream.emit("disconnection", b, "slow consumer");
    const closed = f.watch.snapshot().slowConsumers;
    expect(closed).toEqual([
      {
        id: "conn",
        sockets: [
          { nsp: "/", id: "a" },
          { nsp: "/chat", id: "b" },
        ],
        queuedBytes: 70_000,
        since,
        closedAt: since + 3000,
      },
    ]);
    f.watch.tick(); // not over the mark any more: the closed entry stays
    expect(f.watch.snapshot().slowConsumers).toHaveLength(1);
    f.advance(SLOW_CONSUMER_RETENTION_MS + 1);
    expect(f.watch.snapshot().slowConsumers).toEqual([]);
    f.watch.close();
  });

  it("ignores other disconnection reasons", () => {
    const f = fakes([]);
    const s = f.socket("c", "x");
    f.stream.emit("connection", s);
    f.stream.emit("disconnection", s, "transport close");
    expect(f.watch.snapshot().slowConsumers).toEqual([]);
    f.watch.close();
  });

  it("reports the rate limiter's refusals, newest first, at most MAX_FLOW_ENTRIES", () => {
    const recent = new Map<string, unknown>();
    for (let i = 0; i < 100; i++)
      recent.set(`id${i}\0other`, { id: `id${i}`, nsp: "/", event: "other", refused: 2, at: i });
    const f = fakes([], recent);
    f.refused.set("other", 150).set("chat", 50);
    const snap = f.watch.snapshot();
    expect(snap.rateLimitedEvents).toBe(200);
    expect(snap.rateLimited).toHaveLength(MAX_FLOW_ENTRIES);
    expect(snap.rateLimited[0]).toEqual({ id: "id99", nsp: "/", event: "other", count: 2, at: 99 });
    expect(snap.rateLimited.at(-1)!.id).toBe("id50");
    f.watch.close();
  });
});
