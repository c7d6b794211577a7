// Rate limits end to end (issue #18), with official socket.io-client peers: the ack answer, the `error`
// event, the disconnect threshold, and refused handshakes (429 / 503) over both transports.
import { get } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { io as ioc } from "socket.io-client";
import { closeAll, connect, start, until, waitFor, type Started } from "./helpers.js";

afterEach(closeAll);

/** The server's rate limiter (internal: not in the published types). */
function limiter(s: Started): { disconnects: number; refused: Map<string, number> } {
  return (
    s.io as unknown as { _rateLimiter: { disconnects: number; refused: Map<string, number> } }
  )._rateLimiter;
}

// Budgets far longer than a test: nothing refills while it runs (the refill itself is unit-tested).
const MINUTE = 60_000;

describe("token buckets refill with time (Date faked, sockets real)", () => {
  afterEach(() => vi.useRealTimers());

  it("a refused event can pass once its tokens are back; the disconnect window restarts", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const s = await start({ rateLimit: { points: 2, duration: 1000, disconnectAt: 3 } });
    const { client, socket } = await connect(s, "websocket");
    socket.on("e", (cb: (x: string) => void) => cb("ok"));
    expect(await client.emitWithAck("e")).toBe("ok");
    expect(await client.emitWithAck("e")).toBe("ok");
    expect(await client.emitWithAck("e")).toEqual({
      error: { code: "RATE_LIMITED", retryAfterMs: 500 },
    });
    vi.advanceTimersByTime(499);
    expect((await client.emitWithAck("e")).error.retryAfterMs).toBe(1);
    vi.advanceTimersByTime(1);
    // Five events so far in this window (threshold 3 × 2 = 6): a new window starts at 1000 ms.
    expect(await client.emitWithAck("e")).toBe("ok");
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 2; i++) expect(await client.emitWithAck("e")).toBe("ok");
    expect(socket.connected).toBe(true);
  });
});

describe("incoming events", () => {
  it("over the limit: the listener never runs, the ack gets RATE_LIMITED, onAny sees every event", async () => {
    const s = await start({
      rateLimit: {
        points: 100,
        duration: MINUTE,
        events: { "chat:send": { points: 2, duration: MINUTE } },
      },
    });
    const { client, socket } = await connect(s, "websocket");
    let handled = 0;
    const seen: string[] = [];
    socket.onAny((ev: string) => seen.push(ev));
    socket.on("chat:send", (_msg: string, cb: (x: unknown) => void) => {
      handled++;
      cb({ ok: true });
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await client.emitWithAck("chat:send", `m${i}`));
    expect(answers[0]).toEqual({ ok: true });
    expect(answers[1]).toEqual({ ok: true });
    expect(answers[2]).toEqual({
      error: { code: "RATE_LIMITED", retryAfterMs: expect.any(Number) },
    });
    expect(answers[2].error.retryAfterMs).toBeGreaterThan(0);
    expect(answers[2].error.retryAfterMs).toBeLessThanOrEqual(MINUTE);
    expect(handled).toBe(2);
    expect(seen).toEqual(["chat:send", "chat:send", "chat:send"]);
    // Other events still have the socket's own budget.
    socket.on("other", (cb: (x: string) => void) => cb("fine"));
    expect(await client.emitWithAck("other")).toBe("fine");
  });

  it("without an ack, the socket emits `error` with a RateLimitError", async () => {
    const s = await start({ rateLimit: { points: 2, duration: MINUTE } });
    const { client, socket } = await connect(s, "polling");
    let handled = 0;
    socket.on("tick", () => handled++);
    const error = waitFor<[Error & { code: string; retryAfterMs: number; event: string }]>(
      socket,
      "error",
    );
    for (let i = 0; i < 3; i++) client.emit("tick", i);
    const [err] = await error;
    expect(err.name).toBe("RateLimitError");
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.event).toBe("tick");
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(handled).toBe(2);
  });

  it.each(["websocket", "polling"] as const)(
    "disconnects with `rate limited` at disconnectAt × the budget (%s)",
    async (transport) => {
      const s = await start({ rateLimit: { points: 5, duration: MINUTE, disconnectAt: 3 } });
      const { client, socket } = await connect(s, transport);
      socket.on("error", () => {});
      let handled = 0;
      socket.on("spam", (_i: number, cb?: () => void) => {
        handled++;
        cb?.();
      });
      // Under the budget, events reach the listener (answered, so it is known to have run).
      await client.emitWithAck("spam", -1);
      expect(handled).toBe(1);
      const serverSide = waitFor<[string]>(socket, "disconnect");
      const clientSide = waitFor<[string]>(client, "disconnect");
      // How many of these reach the listener depends on how they are batched on the way (all 20 can arrive in one
      // read, and none then does): only the bound is certain.
      for (let i = 0; i < 20; i++) client.emit("spam", i);
      expect((await serverSide)[0]).toBe("rate limited");
      // A DISCONNECT came first: the official client does not reconnect on its own.
      expect((await clientSide)[0]).toBe("io server disconnect");
      // Events decoded with the one that crossed the threshold never reach the listener either.
      expect(handled).toBeGreaterThanOrEqual(1);
      expect(handled).toBeLessThanOrEqual(5);
      expect(limiter(s).disconnects).toBe(1);
    },
  );

  it("metric labels are bounded: undeclared event names count as `other`", async () => {
    const s = await start({
      rateLimit: {
        points: 1,
        duration: MINUTE,
        disconnectAt: 1000,
        events: { known: { points: 1, duration: MINUTE } },
      },
    });
    const { client, socket } = await connect(s, "websocket");
    socket.on("error", () => {});
    for (let i = 0; i < 50; i++) client.emit(`random-${i}`);
    client.emit("known");
    await until(() => (limiter(s).refused.get("other") ?? 0) === 49, 5000, "refusals");
    expect([...limiter(s).refused.keys()].sort()).toEqual(["known", "other"]);
  });
});

/** A bare polling handshake: its status and headers. */
function pollHandshake(s: Started): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    get(`${s.url}/socket.io/?EIO=4&transport=polling`, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"] as string }),
      );
    }).on("error", reject);
  });
}

/** A bare WebSocket handshake: 101, or the refusal's status and headers. */
function wsHandshake(s: Started): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
    ws.on("open", () => {
      ws.close();
      resolve({ status: 101 });
    });
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"] as string });
      ws.terminate();
    });
    ws.on("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

describe("handshakes", () => {
  it("handshakeRate: 429 with Retry-After over both transports; refused ones spend nothing", async () => {
    const s = await start({ handshakeRate: { points: 3, duration: MINUTE } });
    expect((await pollHandshake(s)).status).toBe(200);
    expect((await wsHandshake(s)).status).toBe(101);
    expect((await pollHandshake(s)).status).toBe(200);
    for (const attempt of [pollHandshake, wsHandshake, pollHandshake, wsHandshake]) {
      const refused = await attempt(s);
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toMatch(/^\d+$/);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(20); // 1 point per 20 s
    }
    expect(s.io.engine.flow.refusedHandshakeRate).toBe(4);
    // An official client is refused too (connect_error), the sessions already open are not touched.
    const client = ioc(s.url, { transports: ["polling"], reconnection: false, forceNew: true });
    const [err] = await waitFor<[Error]>(client, "connect_error");
    expect(err.message).toBe("xhr poll error");
    client.close();
  });

  it("handshakeRate: a trusted proxy header names the address", async () => {
    const s = await start({
      handshakeRate: { points: 1, duration: MINUTE, trustProxyHeader: "x-forwarded-for" },
    });
    const shake = (ip: string): Promise<number> =>
      new Promise((resolve, reject) => {
        get(
          `${s.url}/socket.io/?EIO=4&transport=polling`,
          { headers: { "x-forwarded-for": `10.0.0.9, ${ip}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        ).on("error", reject);
      });
    expect(await shake("192.0.2.1")).toBe(200);
    expect(await shake("192.0.2.1")).toBe(429);
    expect(await shake("192.0.2.2")).toBe(200);
  });

  it("maxConnections: 503 past the engine-wide count, over both transports", async () => {
    const s = await start({ maxConnections: 2 });
    await connect(s, "websocket");
    await connect(s, "polling");
    expect((await pollHandshake(s)).status).toBe(503);
    expect((await wsHandshake(s)).status).toBe(503);
    expect(s.io.engine.flow.refusedMaxConnections).toBe(2);
  });

  it("maxConnections counts sessions not yet in a namespace", async () => {
    const s = await start({ maxConnections: 1 });
    expect((await pollHandshake(s)).status).toBe(200); // an Engine.IO session, no CONNECT
    expect((await wsHandshake(s)).status).toBe(503);
  });
});

describe("options are validated at construction", () => {
  it.each([
    { rateLimit: { points: 0, duration: 1000 } },
    { rateLimit: { points: 1, duration: -1 } },
    { rateLimit: { points: 1, duration: 1000, disconnectAt: 0 } },
    { rateLimit: { points: 1, duration: 1000, events: { x: { points: 1.5, duration: 1 } } } },
    { handshakeRate: { points: 1, duration: 0 } },
    { maxConnections: 0 },
    { backpressure: { highWaterMark: 0 } },
    { backpressure: { highWaterMark: 10, maxBufferedBytes: 5 } },
    { backpressure: { onOverflow: "explode" } },
  ])("%j throws ERR_SB_INVALID_OPTION", async (opts) => {
    const { Server } = await import("@switchboard/server");
    expect(() => new Server(opts as never)).toThrow(
      expect.objectContaining({ code: "ERR_SB_INVALID_OPTION" }),
    );
  });
});
