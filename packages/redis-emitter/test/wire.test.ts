// Byte-for-byte against @socket.io/redis-emitter 5.x: the same calls publish the same bytes on the same channels, so a
// node that decodes one decodes the other. Plus the errors (typed, stable codes) and the fire-and-forget publishing.
import { Emitter as OfficialEmitter } from "@socket.io/redis-emitter";
import { describe, expect, it } from "vitest";
import { Emitter, RedisEmitterError } from "@switchboard/redis-emitter";

interface Published {
  channel: string;
  message: string;
}

/** A fake client recording PUBLISH calls (messages as hex when binary, so they compare exactly). */
function recorder(result: () => unknown = () => Promise.resolve(1)) {
  const published: Published[] = [];
  return {
    published,
    publish(channel: string, message: string | Buffer) {
      published.push({
        channel,
        message: typeof message === "string" ? message : `hex:${message.toString("hex")}`,
      });
      return result();
    },
  };
}

/** The same script of calls on both emitters (typed loosely: the two classes have the same surface). */
function script(e: any): void {
  e.emit("all", 1, "two", { three: [3] }, null, true);
  e.to("room1").emit("one-room", 1.5);
  e.to(["a", "b"]).to("c").emit("rooms");
  e.in("a").except(["x", "y"]).emit("in-except", -1);
  e.except("x").emit("except-only");
  e.volatile.emit("volatile");
  e.compress(false).emit("no-compress", "s");
  e.to("r").volatile.compress(true).emit("chained");
  e.emit("binary", Buffer.from([1, 2, 3]), { nested: Buffer.from([4]) });
  e.emit("big", "x".repeat(70_000), 2 ** 40, -(2 ** 33), 0.1);
  e.of("/admin").emit("admin-event", { k: "v" });
  e.of("orders").to("o1").emit("no-slash");
  e.socketsJoin("room2");
  e.in("room1").except("room3").socketsJoin(["r4", "r5"]);
  e.to("room1").socketsLeave("room2");
  e.socketsLeave(["a", "b"]);
  e.disconnectSockets();
  e.in("room1").disconnectSockets(true);
  e.serverSideEmit("hello", "world", { n: 1 });
  e.of("/admin").serverSideEmit("admin-hello");
}

describe("wire compatibility with @socket.io/redis-emitter", () => {
  for (const key of [undefined, "custom-key"]) {
    it(`publishes the same channels and bytes (key ${key ?? "default"})`, () => {
      const ours = recorder();
      const theirs = recorder();
      const opts = key === undefined ? undefined : { key };
      script(new Emitter(ours, opts));
      script(new OfficialEmitter(theirs, opts));
      expect(ours.published.length).toBe(20);
      expect(ours.published).toEqual(theirs.published);
    });
  }

  it("uses a custom parser for broadcasts, as upstream", () => {
    const ours = recorder();
    const theirs = recorder();
    const parser = { encode: (m: unknown) => JSON.stringify(m) };
    new Emitter(ours, { parser }).to("r").emit("json", 1);
    new OfficialEmitter(theirs, { parser }).to("r").emit("json", 1);
    expect(ours.published).toEqual(theirs.published);
    expect(ours.published[0]?.message).toBe(
      '["emitter",{"type":2,"data":["json",1],"nsp":"/"},{"rooms":["r"],"flags":{},"except":[]}]',
    );
  });
});

describe("errors and publishing", () => {
  it("refuses a client without publish()", () => {
    expect(() => new Emitter({})).toThrowError(
      expect.objectContaining({ code: "ERR_SB_EMITTER_UNSUPPORTED_CLIENT" }),
    );
    expect(() => new Emitter(null)).toThrow(RedisEmitterError);
  });

  it("refuses reserved event names and acknowledgements, publishing nothing", () => {
    const client = recorder();
    const e = new Emitter(client);
    for (const ev of ["connect", "connect_error", "disconnect", "disconnecting", "newListener"])
      expect(() => e.emit(ev)).toThrowError(
        expect.objectContaining({ code: "ERR_SB_EMITTER_RESERVED_EVENT" }),
      );
    expect(() => e.to("r").emit("q", () => {})).toThrowError(
      expect.objectContaining({ code: "ERR_SB_EMITTER_ACK_UNSUPPORTED" }),
    );
    expect(() => e.serverSideEmit("q", () => {})).toThrowError(
      expect.objectContaining({ code: "ERR_SB_EMITTER_ACK_UNSUPPORTED" }),
    );
    expect(client.published).toEqual([]);
  });

  it("reports an argument that cannot be encoded as ERR_SB_EMITTER_ENCODE_FAILED", () => {
    const client = recorder();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => new Emitter(client).emit("bad", cyclic)).toThrowError(
      expect.objectContaining({ code: "ERR_SB_EMITTER_ENCODE_FAILED" }),
    );
    expect(client.published).toEqual([]);
  });

  it("never throws nor leaves a rejection unhandled when Redis fails; counts the failures", async () => {
    let calls = 0;
    const client = recorder(() => {
      calls++;
      if (calls === 1) throw new Error("sync failure");
      return Promise.reject(new Error("closed"));
    });
    const e = new Emitter(client);
    expect(e.emit("a")).toBe(true);
    expect(() => e.of("/x").emit("b")).not.toThrow();
    e.serverSideEmit("c");
    await new Promise((r) => setImmediate(r));
    expect(e.stats).toEqual({ published: 3, failed: 3 });
  });

  it("modifiers return new operators: a shared one is never changed", () => {
    const client = recorder();
    const e = new Emitter(client);
    const base = e.to("a");
    base.to("b");
    base.except("x");
    base.emit("only-a");
    expect(client.published[0]?.channel).toBe("socket.io#/#a#");
  });
});
