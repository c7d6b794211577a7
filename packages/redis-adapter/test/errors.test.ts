import { describe, expect, it } from "vitest";
import { FakeNamespace } from "@switchboard/adapter/testing";
import {
  createAdapter,
  createShardedAdapter,
  RedisAdapterError,
  RedisCommandError,
  RedisUnavailableError,
  UnsupportedClientError,
} from "@switchboard/redis-adapter";

describe("error catalogue", () => {
  it("errors carry their stable codes", () => {
    expect(new RedisUnavailableError("publisher")).toMatchObject({
      code: "ERR_SB_REDIS_UNAVAILABLE",
      name: "RedisUnavailableError",
    });
    const cause = new Error("boom");
    const failed = new RedisCommandError("PUBLISH", cause);
    expect(failed).toBeInstanceOf(RedisAdapterError);
    expect(failed.cause).toBe(cause);
    expect(failed.message).toBe("Redis PUBLISH failed: boom");
  });

  it("refuses objects that are not Redis clients with ERR_SB_REDIS_UNSUPPORTED_CLIENT", () => {
    const nsp = new FakeNamespace("/");
    expect(() => createAdapter({}, {})(nsp)).toThrow(UnsupportedClientError);
    expect(() => createShardedAdapter({ psubscribe() {}, on() {} }, {})(nsp)).toThrow(
      expect.objectContaining({ code: "ERR_SB_REDIS_UNSUPPORTED_CLIENT" }) as Error,
    );
  });
});
