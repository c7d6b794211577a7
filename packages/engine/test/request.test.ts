import { parse as querystringParse } from "node:querystring";
import { describe, expect, test } from "vitest";
import { normalizePath } from "../src/options.js";
import { matchesPath, parseQuery } from "../src/request.js";

describe("path matching (§1.1)", () => {
  test("normalises the path with one trailing slash", () => {
    expect(normalizePath(undefined)).toBe("/engine.io/");
    expect(normalizePath("/socket.io")).toBe("/socket.io/");
    expect(normalizePath("/socket.io//")).toBe("/socket.io/");
    expect(normalizePath("/x", false)).toBe("/x");
  });

  test("matches by prefix of the raw URL", () => {
    expect(matchesPath("/engine.io/?EIO=4", "/engine.io/")).toBe(true);
    expect(matchesPath("/engine.io/anything", "/engine.io/")).toBe(true);
    expect(matchesPath("/engine.io?EIO=4", "/engine.io/")).toBe(false);
    expect(matchesPath("/other/engine.io/", "/engine.io/")).toBe(false);
    expect(matchesPath(undefined, "/engine.io/")).toBe(false);
  });
});

describe("query parsing", () => {
  test("reads parameters, first value wins, ignores the fragment", () => {
    const q = parseQuery("/engine.io/?EIO=4&transport=polling&t=abc&x=1&x=2#frag");
    expect({ ...q }).toEqual({ EIO: "4", transport: "polling", t: "abc", x: "1" });
  });

  test("tolerates bad percent-encoding and odd keys without throwing", () => {
    expect(parseQuery("/?sid=%E0%A4%A&transport=%ZZ").transport).toBe("%ZZ");
    const q = parseQuery("/?__proto__=1&constructor=2");
    expect(q.constructor).toBe("2");
    expect(Object.getPrototypeOf(q)).toBeNull();
  });

  test("gives what querystring.parse gives (first value of a repeated key) on plain and odd queries", () => {
    const queries = [
      "EIO=4&transport=polling&sid=abc",
      "EIO=4&transport=polling&t=PAb1&sid=a-b_c",
      "a=1&&b=2",
      "&",
      "=",
      "==",
      "a",
      "a=",
      "a==b",
      "=a",
      "&a=1&",
      "a=1&a=2&a=3",
      "a=b=c",
      "a&b&c",
      "",
      "&&&",
      "x=1&=2&y",
      "a=%41&b=%ZZ",
      "a+b=c+d",
      "sid=x&sid=%41",
      "hasOwnProperty=1&toString=2",
      `${"k=v&".repeat(400)}last=1`,
      "&".repeat(1500) + "late=1",
    ];
    for (const query of queries) {
      const expected: Record<string, string> = {};
      const parsed = querystringParse(query);
      for (const key in parsed) {
        const value = parsed[key];
        expected[key] = Array.isArray(value) ? value[0]! : value!;
      }
      for (const url of [`/engine.io/?${query}`, `/engine.io/?${query}#frag&z=9`]) {
        const q = parseQuery(url);
        expect({ ...q }, url).toEqual(expected);
        expect(Object.keys(q), url).toEqual(Object.keys(expected));
      }
    }
  });

  test("gives an empty query when there is none", () => {
    expect(Object.keys(parseQuery("/engine.io/"))).toEqual([]);
  });
});
