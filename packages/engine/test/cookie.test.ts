import { describe, expect, test } from "vitest";
import { serializeCookie } from "../src/cookie.js";

describe("cookie", () => {
  test("defaults to io=<sid>; Path=/; HttpOnly; SameSite=Lax (§1.4)", () => {
    expect(serializeCookie("abc", {})).toBe("io=abc; Path=/; HttpOnly; SameSite=Lax");
  });

  test("serialises every option", () => {
    const expires = new Date(Date.UTC(2030, 0, 1));
    expect(
      serializeCookie("abc", {
        name: "sticky",
        path: "/app",
        domain: "example.com",
        maxAge: 60,
        expires,
        httpOnly: false,
        secure: true,
        sameSite: "none",
        partitioned: true,
        priority: "high",
      }),
    ).toBe(
      "sticky=abc; Max-Age=60; Domain=example.com; Path=/app; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Secure; Partitioned; Priority=High; SameSite=None",
    );
    expect(serializeCookie("abc", { sameSite: true, path: false })).toBe(
      "io=abc; HttpOnly; SameSite=Strict",
    );
  });

  test("refuses names and attributes that would inject header content", () => {
    expect(() => serializeCookie("abc", { name: "a b" })).toThrow(TypeError);
    expect(() => serializeCookie("abc", { path: "/;x" })).toThrow(TypeError);
    expect(serializeCookie("a;b", {})).toBe("io=a%3Bb; Path=/; HttpOnly; SameSite=Lax");
  });
});
