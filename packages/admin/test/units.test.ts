// Unit tests of the small pieces: per-second buffer, login rate limiter, redaction, stores.
import { describe, expect, it } from "vitest";
import { InMemoryStore, RedisStore } from "@switchboard/admin";
import { REDACTED, isSensitiveKey } from "@switchboard/admin/internal";
import { EventBuffer } from "../src/event-buffer.js";
import { LoginRateLimiter } from "../src/rate-limiter.js";
import { redactData, redactUrl } from "../src/serialize.js";

describe("EventBuffer", () => {
  it("counts per second and per type, adds traffic deltas, and drains", () => {
    let now = 10_500;
    const b = new EventBuffer(() => now);
    const zero = {
      packetsIn: 0,
      bytesIn: 0,
      eventsIn: 0,
      packetsOut: 0,
      bytesOut: 0,
      eventsOut: 0,
    };
    b.push("rawConnection");
    b.push("rawConnection");
    b.pushTraffic(
      { packetsIn: 2, bytesIn: 15, eventsIn: 1, packetsOut: 1, bytesOut: 7, eventsOut: 0 },
      zero,
    );
    now = 11_200;
    b.push("rawDisconnection", "transport close");
    b.pushTraffic(
      { packetsIn: 3, bytesIn: 16, eventsIn: 1, packetsOut: 1, bytesOut: 7, eventsOut: 0 },
      { packetsIn: 2, bytesIn: 15, eventsIn: 1, packetsOut: 1, bytesOut: 7, eventsOut: 0 },
    );
    const events = b.drain();
    expect(events).toEqual([
      { timestamp: 10_000, type: "rawConnection", count: 2 },
      { timestamp: 10_000, type: "packetsIn", count: 2 },
      { timestamp: 10_000, type: "bytesIn", count: 15 },
      { timestamp: 10_000, type: "eventsIn", count: 1 },
      { timestamp: 10_000, type: "packetsOut", count: 1 },
      { timestamp: 10_000, type: "bytesOut", count: 7 },
      { timestamp: 11_000, type: "rawDisconnection", subType: "transport close", count: 1 },
      { timestamp: 11_000, type: "packetsIn", count: 1 },
      { timestamp: 11_000, type: "bytesIn", count: 1 },
    ]);
    expect(b.drain()).toEqual([]);
  });
});

describe("LoginRateLimiter", () => {
  it("blocks a key after max failures in the window, then lets it try again", () => {
    let now = 0;
    const l = new LoginRateLimiter({ max: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(l.allowed("a")).toBe(true);
      l.fail("a");
      now += 1000;
    }
    expect(l.allowed("a")).toBe(false);
    expect(l.allowed("b")).toBe(true);
    now = 60_001; // the first failure left the window
    expect(l.allowed("a")).toBe(true);
    l.reset("a");
    l.fail("a");
    expect(l.allowed("a")).toBe(true);
  });

  it("bounds its memory", () => {
    const l = new LoginRateLimiter({ max: 1, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) l.fail(`k${i}`);
    expect(l.allowed("k0")).toBe(true); // forgotten
    expect(l.allowed("k999")).toBe(false);
  });
});

describe("redaction", () => {
  it("spots sensitive names", () => {
    for (const k of [
      "authorization",
      "Cookie",
      "x-api-key",
      "access_token",
      "password",
      "sessionId",
      "X-Auth-Token",
      "client_secret",
    ]) {
      expect(isSensitiveKey(k)).toBe(true);
    }
    for (const k of ["user-agent", "host", "EIO", "transport", "room", "accept-language"])
      expect(isSensitiveKey(k)).toBe(false);
  });

  it("redacts nested data and URLs, survives cycles and functions", () => {
    const data: Record<string, unknown> = {
      name: "x",
      nested: { token: "t", list: [{ password: "p" }] },
      fn: () => 1,
      _admin: {},
    };
    data.self = data;
    expect(redactData(data)).toEqual({
      name: "x",
      nested: { token: REDACTED, list: [{ password: REDACTED }] },
      fn: undefined,
      self: "[…]",
    });
    expect(redactUrl("/socket.io/?EIO=4&token=abc&room=r")).toBe(
      `/socket.io/?EIO=4&token=${encodeURIComponent(REDACTED)}&room=r`,
    );
    expect(redactUrl("/plain")).toBe("/plain");
  });
});

describe("stores", () => {
  it("InMemoryStore remembers sessions", async () => {
    const s = new InMemoryStore();
    expect(await s.doesSessionExist("a")).toBe(false);
    s.saveSession("a");
    expect(await s.doesSessionExist("a")).toBe(true);
  });

  it("RedisStore uses prefixed keys with an expiry, and fails closed", async () => {
    const calls: unknown[][] = [];
    const keys = new Set<string>();
    const client = {
      exists: async (key: string) => (keys.has(key) ? 1 : 0),
      multi() {
        const m = {
          set: (k: string, v: string) => (calls.push(["set", k, v]), keys.add(k), m),
          expire: (k: string, s: number) => (calls.push(["expire", k, s]), m),
          exec: async () => [],
        };
        return m;
      },
    };
    const store = new RedisStore(client, { sessionDuration: 60 });
    store.saveSession("abc");
    expect(calls).toEqual([
      ["set", "socket.io-admin#abc", "1"],
      ["expire", "socket.io-admin#abc", 60],
    ]);
    expect(await store.doesSessionExist("abc")).toBe(true);
    expect(await store.doesSessionExist("zzz")).toBe(false);
    const broken = new RedisStore({
      exists: async () => Promise.reject(new Error("down")),
      multi: client.multi,
    });
    expect(await broken.doesSessionExist("abc")).toBe(false);
  });
});
