import { describe, expect, it } from "vitest";
import ioDefault, { Backoff, Manager, Socket, connect, io, protocol } from "@switchboard/client";
import { parseUrl } from "../src/url.js";

describe("Backoff", () => {
  it("grows exponentially and caps at max", () => {
    const b = new Backoff({ min: 100, max: 1000, jitter: 0 });
    expect([b.duration(), b.duration(), b.duration(), b.duration(), b.duration()]).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(b.attempts).toBe(5);
    b.reset();
    expect(b.duration()).toBe(100);
  });

  it("applies jitter within ±factor", () => {
    const low = new Backoff({ min: 1000, max: 10_000, jitter: 0.5 });
    // random() = 0.99 for the deviation, then 0.1 (< 0.5) to subtract
    const seq = [0.99, 0.1];
    expect(low.duration(() => seq.shift()!)).toBe(1000 - Math.floor(0.99 * 0.5 * 1000));
    const high = new Backoff({ min: 1000, max: 10_000, jitter: 0.5 });
    const seq2 = [0.5, 0.9];
    expect(high.duration(() => seq2.shift()!)).toBe(1250);
    for (let i = 0; i < 200; i++) {
      const b = new Backoff({ min: 1000, max: 10_000, jitter: 0.5 });
      const d = b.duration();
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(1500);
    }
  });

  it("never overflows", () => {
    const b = new Backoff({ min: 1000, max: 5000, jitter: 0.5 });
    for (let i = 0; i < 2000; i++) expect(b.duration()).toBeLessThanOrEqual(5000);
  });
});

describe("parseUrl", () => {
  it("splits origin (the query stays with it) and namespace; normalises default ports", () => {
    expect(parseUrl("http://localhost:3000/admin?x=1", "/socket.io")).toEqual({
      source: "http://localhost:3000?x=1",
      id: "http://localhost:3000/socket.io",
      nsp: "/admin",
    });
    expect(parseUrl("http://a.com", "/socket.io").id).toBe(
      parseUrl("http://a.com:80/", "/socket.io").id,
    );
    expect(parseUrl("https://a.com", "/p").id).toBe("https://a.com:443/p");
    expect(parseUrl("wss://a.com/chat", "/socket.io").nsp).toBe("/chat");
  });
});

describe("exports", () => {
  it("mirrors socket.io-client's", () => {
    expect(protocol).toBe(5);
    expect(connect).toBe(io);
    expect(ioDefault).toBe(io);
    const g = io as unknown as Record<string, unknown>;
    expect(g.Manager).toBe(Manager);
    expect(g.Socket).toBe(Socket);
    expect(g.connect).toBe(io);
  });
});
