import { describe, expect, it } from "vitest";
import { parseUri } from "@switchboard/engine-client";
import { MemoryCookieJar } from "../src/cookie-jar.js";
import { encodeQuery } from "../src/url.js";
import { resolveOptions, toQuery } from "../src/options.js";
import { byteLength, takeBatch } from "../src/batch.js";
import { utf8Length } from "../src/utf8.js";
import { utf8Length as utf8LengthBrowser } from "../src/utf8.browser.js";

describe("parseUri", () => {
  it("accepts the URI forms Socket.IO clients accept", () => {
    expect(parseUri("localhost:3000/admin").href).toBe("https://localhost:3000/admin");
    expect(parseUri("//example.com").protocol).toBe("https:");
    expect(parseUri("ws://a:1/x?y=1").search).toBe("?y=1");
    expect(parseUri("http://[::1]:8080").hostname).toBe("[::1]");
    expect(parseUri().href).toBe("http://localhost/"); // Node: no page to be relative to
    expect(parseUri("/chat").href).toBe("http://localhost/chat");
  });
});

describe("query strings", () => {
  it("round-trips with encoding", () => {
    const q = { a: "1 2", "b&": "=é" };
    expect(encodeQuery(q)).toBe("a=1%202&b%26=%3D%C3%A9");
    expect(toQuery(encodeQuery(q))).toEqual({ a: "1 2", "b&": "=é" });
  });
});

describe("MemoryCookieJar", () => {
  it("stores, replaces and expires cookies", () => {
    const jar = new MemoryCookieJar();
    jar.store(["io=abc; Path=/; HttpOnly; SameSite=Lax", "other=1; Max-Age=3600"]);
    expect(jar.header()).toBe("io=abc; other=1");
    jar.store("io=def; Path=/");
    expect(jar.header()).toBe("io=def; other=1");
    jar.store("other=; Max-Age=0");
    expect(jar.header()).toBe("io=def");
    jar.store(`old=1; Expires=${new Date(Date.now() - 1000).toUTCString()}`);
    expect(jar.header()).toBe("io=def");
    jar.store(undefined);
    jar.store("garbage-without-equals");
    expect(jar.header()).toBe("io=def");
  });
});

describe("resolveOptions", () => {
  it("derives host, port, path and query from the URI and the defaults", () => {
    const o = resolveOptions("https://example.com/ignored?a=1", {
      path: "/socket.io",
      query: { b: 2 },
    });
    expect([o.hostname, o.port, o.secure, o.path, o.query]).toEqual([
      "example.com",
      "443",
      true,
      "/socket.io/",
      { a: "1" },
    ]);
    const n = resolveOptions(undefined, { host: "h:81", addTrailingSlash: false, query: "x=%20" });
    expect([n.hostname, n.port, n.secure, n.path, n.query]).toEqual([
      "h",
      "81",
      false,
      "/engine.io",
      { x: " " },
    ]);
    expect(resolveOptions("ws://a", {}).port).toBe("80");
  });
});

describe("takeBatch", () => {
  const msg = (data: string | Uint8Array) => ({ type: "message" as const, data });
  it("keeps everything under the limit and cuts before the packet that overflows", () => {
    const buf = [msg("a".repeat(10)), msg("b".repeat(10)), msg("c".repeat(10))];
    expect(takeBatch(buf, 0)).toBe(buf); // no limit known
    expect(takeBatch(buf, 1000)).toBe(buf);
    expect(takeBatch(buf, 25).length).toBe(2); // 1 + 10 + 2 + 10 = 23, then + 2 + 10 > 25
    expect(takeBatch(buf, 5).length).toBe(1); // always at least one packet
  });
  it("counts UTF-8 bytes and base64 binary", () => {
    expect(byteLength("é✓😀")).toBe(2 + 3 + 4);
    expect(byteLength(new Uint8Array(4))).toBe(1 + 8);
    expect(byteLength("\\ud800")).toBe(6); // a JSON escape stays ASCII
    expect(byteLength("\ud800")).toBe(3); // lone surrogate: replaced by U+FFFD on the wire
  });
});

describe("utf8Length (utf8.ts and the browser bundle's utf8.browser.ts)", () => {
  it("both count what Node's UTF-8 encoder writes, lone surrogates as U+FFFD", () => {
    const units = [
      "a",
      "é",
      "✓",
      "\ud83d",
      "\ude00",
      "\ud83d\ude00",
      "\u0000",
      "\uffff",
      "\ud800x",
      "x\udfff",
    ];
    let seed = 7;
    for (let n = 0; n < 500; n++) {
      let text = "";
      for (let k = 0; k < n % 12; k++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        text += units[seed % units.length];
      }
      const expected = Buffer.byteLength(text);
      expect(utf8Length(text)).toBe(expected);
      expect(utf8LengthBrowser(text)).toBe(expected);
    }
  });
});
