// The shared Redis test helper (test/support/redis.ts): resolves a server, and a private one can be killed and
// restarted on the same port.
import { afterEach, describe, expect, it } from "vitest";
import { ping, redisForTests, startPrivateRedis, type PrivateRedis } from "../support/redis.js";

const redis = await redisForTests("test/support/redis");

describe.runIf(redis.problem === undefined)("test/support/redis", () => {
  let priv: PrivateRedis | undefined;
  afterEach(async () => {
    await priv?.close();
    priv = undefined;
  });

  it("resolves a Redis that answers PING", async () => {
    expect(await ping(redis.url)).toBe(true);
  });

  it("starts a private server that can be killed and restarted on the same port", async () => {
    priv = await startPrivateRedis();
    expect(priv.url).toBe(`redis://127.0.0.1:${priv.port}`);
    expect(await ping(priv.url)).toBe(true);
    await priv.kill();
    expect(priv.running).toBe(false);
    expect(await ping(priv.url, 300)).toBe(false);
    await priv.restart();
    expect(priv.running).toBe(true);
    expect(await ping(priv.url)).toBe(true);
  });

  it("says no for a port where nothing listens and for a malformed URL", async () => {
    priv = await startPrivateRedis();
    const url = priv.url;
    await priv.close();
    priv = undefined;
    expect(await ping(url, 300)).toBe(false);
    expect(await ping("not a url", 300)).toBe(false);
  });
});
