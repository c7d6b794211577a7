import { describe, expect, it } from "vitest";
import { HeadReader, parseHead, sidOf } from "../src/request-head.js";

describe("HeadReader", () => {
  it("completes once the blank line arrives, across chunk boundaries, keeping every byte read", () => {
    const reader = new HeadReader(1024);
    expect(reader.push(Buffer.from("GET /socket.io/?EIO=4&sid=ab HTTP/1.1\r\nHost: x\r"))).toEqual({
      state: "partial",
    });
    expect(reader.push(Buffer.from("\n\r"))).toEqual({ state: "partial" });
    const done = reader.push(Buffer.from("\nbody"));
    expect(done).toMatchObject({
      state: "complete",
      head: { method: "GET", target: "/socket.io/?EIO=4&sid=ab", sid: "ab" },
    });
    expect(done.state === "complete" && done.bytes.toString()).toBe(
      "GET /socket.io/?EIO=4&sid=ab HTTP/1.1\r\nHost: x\r\n\r\nbody",
    );
  });

  it("refuses heads over the limit, whether or not they end", () => {
    expect(new HeadReader(32).push(Buffer.from(`GET / HTTP/1.1\r\nX: ${"a".repeat(40)}`))).toEqual({
      state: "error",
      problem: "too-large",
    });
    expect(
      new HeadReader(32).push(Buffer.from(`GET / HTTP/1.1\r\nX: ${"a".repeat(20)}\r\n\r\n`)),
    ).toEqual({ state: "error", problem: "too-large" });
  });

  it("refuses what is not an HTTP/1.x request line", () => {
    for (const bad of [
      "GARBAGE",
      "GET  / HTTP/1.1",
      "GET / HTTP/2.0",
      "GET /a b HTTP/1.1",
      "G\u00e9T / HTTP/1.1",
      "\u0000\u0001",
    ]) {
      expect(new HeadReader(1024).push(Buffer.from(`${bad}\r\n\r\n`, "latin1"))).toEqual({
        state: "error",
        problem: "bad-request",
      });
    }
  });
});

describe("parseHead / sidOf", () => {
  it("skips leading empty lines and finds the sid among other parameters", () => {
    expect(
      parseHead(
        Buffer.from("\r\nPOST /socket.io/?EIO=4&transport=polling&t=x&sid=3.abc-_ HTTP/1.0"),
      ),
    ).toEqual({
      method: "POST",
      target: "/socket.io/?EIO=4&transport=polling&t=x&sid=3.abc-_",
      sid: "3.abc-_",
    });
  });

  it("decodes percent escapes, takes the first sid, ignores empty ones and never throws", () => {
    expect(sidOf("/?sid=a%2Eb")).toBe("a.b");
    expect(sidOf("/?sid=one&sid=two")).toBe("one");
    expect(sidOf("/?sid=")).toBeUndefined();
    expect(sidOf("/socket.io/")).toBeUndefined();
    expect(sidOf("/?sid=x#frag")).toBe("x");
    expect(sidOf("/?sid=%E0%A4%A")).toBeTypeOf("string");
  });
});
