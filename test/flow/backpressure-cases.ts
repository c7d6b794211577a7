// Backpressure end to end (issue #18), shared by backpressure-websocket.test.ts and backpressure-polling.test.ts: official socket.io-client peers over real TCP, one of them stalled
// (its TCP socket paused, or its polling stopped) in a room that receives a broadcast stream.
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import {
  connect,
  connectMany,
  stall,
  start,
  turn,
  until,
  waitFor,
  type ClientSocket,
  type Started,
  type Transport,
} from "./helpers.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

export const KiB = 1024;
const HWM = 64 * KiB;
const MAX = 256 * KiB;

/**
 * Emits 16 KiB packets to a socket, two per turn of the event loop (under the 64 KiB mark, so only a client
 * that does not read makes `emit` return false), until `emit` says its queue is over the mark.
 */
export async function fill(socket: {
  emit(ev: string, ...a: unknown[]): boolean;
}): Promise<boolean> {
  const chunk = "f".repeat(16 * KiB);
  for (let i = 0; i < 1500; i++) {
    if (!socket.emit("fill", chunk)) return true;
    if (i % 2 === 1) await turn();
  }
  return false;
}

/**
 * Broadcasts `n` numbered messages of `size` bytes to `room`, ten per turn, pacing itself on the healthy
 * clients (never more than 50 ahead of the slowest): a producer that keeps up with its healthy readers.
 */
async function stream(
  s: Started,
  room: string,
  n: number,
  size: number,
  counts: { count: number }[],
  each?: (i: number) => void,
): Promise<void> {
  const pad = "p".repeat(size);
  for (let i = 0; i < n; i++) {
    s.io.to(room).emit("m", i, pad);
    each?.(i);
    if (i % 10 === 9) await until(() => counts.every((c) => c.count >= i - 50), 15_000, "pace");
  }
}

/** Counts the `m` messages a client receives and checks they arrive in order. */
export function counter(client: ClientSocket): { count: number; last: number; ordered: boolean } {
  const c = { count: 0, last: -1, ordered: true };
  client.on("m", (i: number) => {
    if (i <= c.last) c.ordered = false;
    c.last = i;
    c.count++;
  });
  return c;
}

/** The stalled-client cases over one transport. */
export function backpressureSuite(transport: Transport): void {
  describe(`over ${transport}`, () => {
    it("a stalled client: emit() false, then `slow consumer` at the cap; 100 others get everything", async () => {
      const s = await start({
        backpressure: { highWaterMark: HWM, maxBufferedBytes: MAX, onOverflow: "disconnect" },
      });
      const healthy = await connectMany(s, transport, 100);
      const slow = await connect(s, transport);
      for (const { socket } of [...healthy, slow]) await socket.join("room");
      const counts = healthy.map(({ client }) => counter(client));
      const gone = waitFor<[string]>(slow.socket, "disconnect", 15_000);
      stall(slow.client);

      expect(await fill(slow.socket)).toBe(true); // emit() returned false
      expect(s.io.engine.flow.overMark.size).toBe(1);
      const N = 400; // 400 KiB: past the 256 KiB cap of the stalled socket
      await stream(s, "room", N, KiB, counts);

      const [reason] = await gone;
      expect(reason).toBe("slow consumer");
      expect(s.io.engine.flow.slowConsumers).toBe(1);
      await until(() => counts.every((c) => c.count === N), 15_000, "every healthy client");
      expect(counts.every((c) => c.ordered && c.last === N - 1)).toBe(true);
      expect(s.io.engine.flow.overMark.size).toBe(0);
    });

    it("drop-oldest keeps the stalled socket under the cap, heap bounded; `drain` after it resumes", async () => {
      const s = await start({
        backpressure: { highWaterMark: HWM, maxBufferedBytes: MAX, onOverflow: "drop-oldest" },
      });
      const healthy = await connectMany(s, transport, 100);
      const slow = await connect(s, transport);
      for (const { socket } of [...healthy, slow]) await socket.join("room");
      const counts = healthy.map(({ client }) => counter(client));
      const slowCount = counter(slow.client);
      const resume = stall(slow.client);
      expect(await fill(slow.socket)).toBe(true);

      const N = 600;
      let peak = 0;
      await stream(s, "room", N, KiB, counts, () => {
        peak = Math.max(peak, slow.socket.conn.bufferedAmount);
      });
      expect(peak).toBeLessThanOrEqual(MAX);
      expect(s.io.engine.flow.drops).toBeGreaterThan(0);
      await until(() => counts.every((c) => c.count === N), 15_000, "every healthy client");
      expect(counts.every((c) => c.ordered)).toBe(true);

      // Heap: 64 MiB more through the stalled socket's room leaves its queue, and the heap, bounded.
      const big = "b".repeat(64 * KiB);
      for (const { client } of healthy) client.disconnect();
      await turn();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 1024; i++) {
        s.io.to("room").emit("m", N + i, big);
        if (i % 16 === 15) await turn();
      }
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      expect(slow.socket.conn.bufferedAmount).toBeLessThanOrEqual(MAX);
      expect(grown).toBeLessThan(8 * MAX + 8 * 1024 * KiB); // far below the 64 MiB sent

      const drained = waitFor(slow.socket, "drain", 15_000);
      resume();
      await drained;
      await until(() => slowCount.last === N + 1023, 15_000, "the newest message");
      expect(slowCount.ordered).toBe(true);
      expect(slowCount.count).toBeLessThan(N + 1024); // some were dropped
      expect(slow.socket.connected).toBe(true);
    });
  });
}
