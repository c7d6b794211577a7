import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { Server } from "@switchboard/server";
import { AdminError, AdminErrorCode, instrument } from "@switchboard/admin";
import {
  adminClient,
  adminRefusal,
  BASIC,
  closeAll,
  PASSWORD,
  startServer,
  USER,
} from "./helpers.js";

afterEach(closeAll);

describe("instrument() auth option", () => {
  const io = new Server(createServer());
  afterAll(() => io.close());

  it("requires `auth`, explicitly false or basic", () => {
    expect(() => instrument(io, {})).toThrow(
      expect.objectContaining({ code: AdminErrorCode.AUTH_REQUIRED }),
    );
    expect(() => instrument(io, { auth: { type: "digest" } as never })).toThrow(AdminError);
    expect(() => instrument(io, { auth: { type: "digest" } as never })).toThrow(
      expect.objectContaining({ code: AdminErrorCode.INVALID_AUTH }),
    );
  });

  it("refuses a plain-text password with a typed error", () => {
    for (const password of ["changeit", "$2b$10$tooshort", ""]) {
      let caught: unknown;
      try {
        instrument(io, { auth: { type: "basic", username: "admin", password } });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AdminError);
      expect((caught as AdminError).code).toBe("ERR_SB_ADMIN_INVALID_PASSWORD_HASH");
    }
  });
});

describe("admin namespace login", () => {
  it("refuses unauthenticated and wrong credentials with connect_error", async () => {
    const { url } = await startServer({ auth: BASIC });
    expect(await adminRefusal(url, undefined)).toBe("invalid credentials");
    expect(await adminRefusal(url, { username: USER, password: "wrong" })).toBe(
      "invalid credentials",
    );
    expect(await adminRefusal(url, { username: "root", password: PASSWORD })).toBe(
      "invalid credentials",
    );
    expect(await adminRefusal(url, { username: USER, password: { $ne: "" } })).toBe(
      "invalid credentials",
    );
    expect(await adminRefusal(url, { sessionId: "not-a-session" })).toBe("invalid credentials");
  });

  it("accepts the right credentials, issues a session id, and accepts it on reconnect", async () => {
    const { url } = await startServer({ auth: BASIC });
    const rec = await adminClient(url, { username: USER, password: PASSWORD });
    const [sessionId] = await rec.wait("session");
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    // the session comes first, then config
    expect(rec.events[0]?.[0]).toBe("session");
    await rec.wait("config");
    const again = await adminClient(url, { sessionId });
    await again.wait("config");
    expect(again.all("session")).toEqual([]);
  });

  it("rate-limits failed logins per address, even with the right password afterwards", async () => {
    const { url } = await startServer({
      auth: BASIC,
      loginRateLimit: { max: 3, windowMs: 60_000 },
    });
    for (let i = 0; i < 3; i++)
      expect(await adminRefusal(url, { username: USER, password: "nope" })).toBe(
        "invalid credentials",
      );
    expect(await adminRefusal(url, { username: USER, password: PASSWORD })).toBe(
      "too many attempts",
    );
  });

  it("a success resets the failure count", async () => {
    const { url } = await startServer({
      auth: BASIC,
      loginRateLimit: { max: 2, windowMs: 60_000 },
    });
    expect(await adminRefusal(url, { username: USER, password: "nope" })).toBe(
      "invalid credentials",
    );
    await adminClient(url, { username: USER, password: PASSWORD });
    expect(await adminRefusal(url, { username: USER, password: "nope" })).toBe(
      "invalid credentials",
    );
    await adminClient(url, { username: USER, password: PASSWORD });
  });

  it("auth: false lets anyone in (and sends no session)", async () => {
    const { url } = await startServer({ auth: false });
    const rec = await adminClient(url, undefined);
    await rec.wait("config");
    expect(rec.all("session")).toEqual([]);
  });

  it("uses a custom namespace name", async () => {
    const { url } = await startServer({ auth: false, namespaceName: "/ops" });
    const rec = await adminClient(url, undefined, "/ops");
    await rec.wait("config");
  });
});
