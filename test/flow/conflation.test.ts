// Conflation end to end (issue #18): "the latest value wins" for a client that does not read, over both
// transports, with official socket.io-client peers; a client that keeps up gets every update.
import { afterEach, describe, expect, it } from "vitest";
import {
  closeAll,
  connect,
  stall,
  start,
  turn,
  until,
  type ClientSocket,
  type Transport,
} from "./helpers.js";

afterEach(closeAll);

const KiB = 1024;

/** Two 16 KiB packets per turn until `emit` returns false (the client stopped reading). */
async function fill(socket: { emit(ev: string, ...a: unknown[]): boolean }): Promise<void> {
  const chunk = "f".repeat(16 * KiB);
  for (let i = 0; i < 1500; i++) {
    if (!socket.emit("fill", chunk)) return;
    if (i % 2 === 1) await turn();
  }
  throw new Error("the stalled client never went over the mark");
}

function prices(client: ClientSocket): Map<string, number[]> {
  const seen = new Map<string, number[]>([
    ["BTC", []],
    ["ETH", []],
  ]);
  client.on("price", (key: string, v: number) => seen.get(key)!.push(v));
  return seen;
}

describe.each<Transport>(["websocket", "polling"])("over %s", (transport) => {
  it("a stalled client gets only the latest value per key; a fast one gets them all", async () => {
    const s = await start({ backpressure: { highWaterMark: 64 * KiB } });
    const fast = await connect(s, transport);
    const slow = await connect(s, transport);
    await fast.socket.join("prices");
    await slow.socket.join("prices");
    const fastSeen = prices(fast.client);
    const slowSeen = prices(slow.client);
    const resume = stall(slow.client);
    await fill(slow.socket);
    await turn();
    const queued = slow.socket.conn.bufferedAmount;

    const N = 300;
    for (let i = 0; i < N; i++) {
      s.io.to("prices").conflate("BTC").emit("price", "BTC", i);
      s.io.to("prices").conflate("ETH").emit("price", "ETH", i);
      await until(() => fastSeen.get("ETH")!.length === i + 1, 5000, `fast update ${i}`);
    }
    // The stalled socket's queue did not grow by more than the two packets it holds.
    expect(slow.socket.conn.bufferedAmount - queued).toBeLessThan(256); // not 300 × 2 packets
    // A few of the first updates may have reached the socket's buffer before it went over the mark.
    expect(s.io.engine.flow.conflations).toBeGreaterThanOrEqual(2 * (N - 10));

    resume();
    await until(() => slowSeen.get("ETH")!.includes(N - 1), 10_000, "the stalled client's update");
    await until(() => slowSeen.get("BTC")!.includes(N - 1), 10_000, "the stalled client's update");
    await turn();
    for (const key of ["BTC", "ETH"]) {
      const got = slowSeen.get(key)!;
      expect(got.length).toBeLessThan(10); // not 300
      expect(got[got.length - 1]).toBe(N - 1); // the newest, last
      expect([...got].sort((a, b) => a - b)).toEqual(got); // in order
    }
    const all = Array.from({ length: N }, (_, i) => i);
    expect(fastSeen.get("BTC")).toEqual(all);
    expect(fastSeen.get("ETH")).toEqual(all);
  });

  it("socket.conflate(): a stalled socket keeps one packet per key, in its place", async () => {
    const s = await start({ backpressure: { highWaterMark: 64 * KiB } });
    const slow = await connect(s, transport);
    const order: string[] = [];
    slow.client.on("cursor", (user: string, x: number) => order.push(`${user}:${x}`));
    slow.client.on("note", (n: string) => order.push(n));
    const resume = stall(slow.client);
    await fill(slow.socket);
    await turn();
    slow.socket.conflate("cursor:a").emit("cursor", "a", 1);
    slow.socket.emit("note", "between");
    slow.socket.conflate("cursor:b").emit("cursor", "b", 1);
    for (let x = 2; x <= 50; x++) {
      slow.socket.conflate("cursor:a").emit("cursor", "a", x);
      slow.socket.conflate("cursor:b").emit("cursor", "b", x);
    }
    resume();
    await until(() => order.includes("b:50"), 10_000, "the last cursor");
    await turn();
    expect(order).toEqual(["a:50", "between", "b:50"]);
  });
});

describe("conflated emits carry no ack", () => {
  it("conflate().timeout() throws, and is a type error", async () => {
    const s = await start();
    const { socket } = await connect(s, "websocket");
    expect(() =>
      // @ts-expect-error timeout() is not offered after conflate()
      socket.conflate("k").timeout(100),
    ).toThrow(expect.objectContaining({ code: "ERR_SB_CONFLATED_ACK" }));
    expect(() =>
      // @ts-expect-error timeout() is not offered after conflate()
      s.io.to("room").conflate("k").timeout(100),
    ).toThrow(expect.objectContaining({ code: "ERR_SB_CONFLATED_ACK" }));
  });

  it("an ack callback on a conflated emit throws", async () => {
    const s = await start();
    const { socket } = await connect(s, "websocket");
    expect(() => socket.conflate("k").emit("x", () => {})).toThrow(
      expect.objectContaining({ code: "ERR_SB_CONFLATED_ACK" }),
    );
    expect(() =>
      s.io
        .to("room")
        .conflate("k")
        .emit("x", () => {}),
    ).toThrow(expect.objectContaining({ code: "ERR_SB_CONFLATED_ACK" }));
    for (const target of [s.io, s.io.of("/other")])
      expect(() => target.conflate("k").emit("x", () => {})).toThrow(
        expect.objectContaining({ code: "ERR_SB_CONFLATED_ACK" }),
      );
    // The flags were consumed: the next emit is a plain one.
    expect(socket.emit("plain", 1)).toBe(true);
  });

  it("keys are bounded: 1 to 256 characters", async () => {
    const s = await start();
    const { socket } = await connect(s, "websocket");
    for (const bad of ["", "k".repeat(257), 42 as unknown as string])
      expect(() => socket.conflate(bad)).toThrow(
        expect.objectContaining({ code: "ERR_SB_INVALID_CONFLATION_KEY" }),
      );
    expect(() => s.io.to("r").conflate("k".repeat(256))).not.toThrow();
  });
});
