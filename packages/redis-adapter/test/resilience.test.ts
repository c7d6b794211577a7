// Redis going away and nodes that do not answer, for both adapters and both client libraries: while Redis is down,
// local delivery goes on and cross-node calls fail fast with ERR_SB_REDIS_UNAVAILABLE; when it returns, the
// subscriptions are restored and cross-node delivery resumes; a request a node never answers ends at
// requestsTimeout with the partial result and an error naming the silent node.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AdapterErrorCode,
  msgpackEncode,
  RequestTimeoutError,
  type Adapter,
} from "@switchboard/adapter";
import { FakeNamespace } from "@switchboard/adapter/testing";
import { PacketType, type Packet } from "@switchboard/parser";
import {
  createAdapter,
  createShardedAdapter,
  RedisAdapterErrorCode,
} from "@switchboard/redis-adapter";
import {
  canStartPrivateRedis,
  redisForTests,
  startPrivateRedis,
  type PrivateRedis,
} from "../../../test/support/redis.js";
import { clientPair, until, type ClientPair, type Lib } from "./clients.js";

const redis = await redisForTests("@switchboard/redis-adapter resilience");
const ok = redis.problem === undefined;
const killable = canStartPrivateRedis("@switchboard/redis-adapter with Redis killed");
afterAll(() => redis.close());

type Flavour = "classic" | "sharded";
const VARIANTS: [Lib, Flavour][] = [
  ["redis", "classic"],
  ["ioredis", "classic"],
  ["redis", "sharded"],
  ["ioredis", "sharded"],
];

class RecordingNamespace extends FakeNamespace {
  readonly serverSide: unknown[][] = [];
  onServerSideEmit(args: unknown[]): void {
    this.serverSide.push(args);
  }
}

const event = (...data: unknown[]): Packet => ({ type: PacketType.EVENT, nsp: "/", data });
const ALL = { rooms: new Set<string>(), except: new Set<string>() };

for (const [lib, flavour] of VARIANTS) {
  describe.runIf(ok)(`${flavour} adapter with ${lib}: failures`, () => {
    let priv: PrivateRedis | undefined;
    const pairs: ClientPair[] = [];
    const adapters: Adapter[] = [];
    beforeAll(async () => {
      if (killable) priv = await startPrivateRedis();
    });
    afterEach(async () => {
      for (const a of adapters.splice(0)) await a.close();
      for (const p of pairs.splice(0)) await p.close();
    });
    afterAll(async () => {
      await priv?.close();
    });

    async function node(url: string, key: string, timeout = 300): Promise<RecordingNamespace> {
      const pair = await clientPair(lib, url);
      pairs.push(pair);
      const nsp = new RecordingNamespace("/");
      nsp.adapter =
        flavour === "classic"
          ? createAdapter(pair.pub, pair.sub, { key, requestsTimeout: timeout })(nsp)
          : createShardedAdapter(pair.pub, pair.sub, {
              channelPrefix: key,
              requestsTimeout: timeout,
            })(nsp);
      adapters.push(nsp.adapter);
      await nsp.adapter.init();
      return nsp;
    }

    it.runIf(killable)(
      "keeps local delivery and fails cross-node calls fast while Redis is down, then resumes",
      async () => {
        const p = priv as PrivateRedis;
        const key = `r${randomBytes(4).toString("hex")}`;
        const a = await node(p.url, key);
        const b = await node(p.url, key);
        const sa = await a.connect("sa");
        const sb = await b.connect("sb");
        const c = await node(p.url, key);
        await until(async () => (await a.adapter.serverCount()) === 3, "three nodes");

        await p.kill();
        await until(
          () =>
            a.adapter.serverCount().then(
              () => false,
              () => true,
            ),
          "the adapter to notice",
        );
        a.adapter.broadcast(event("while-down"), ALL);
        expect(sa.events()).toEqual(["while-down"]);
        await expect(a.adapter.fetchSockets(ALL)).rejects.toMatchObject({
          code: RedisAdapterErrorCode.UNAVAILABLE,
        });
        await expect(a.adapter.serverCount()).rejects.toMatchObject({
          code: RedisAdapterErrorCode.UNAVAILABLE,
        });
        const [err] = await new Promise<[Error | null, unknown[]]>((resolve) =>
          a.adapter.serverSideEmit(["ask", (e: Error | null, r: unknown[]) => resolve([e, r])]),
        );
        expect(err).toMatchObject({ code: RedisAdapterErrorCode.UNAVAILABLE });
        // Closing while Redis is down returns at once (the unsubscriptions wait in the client's queue).
        await c.adapter.close();

        await p.restart();
        // Both nodes resubscribed by themselves, and the node closed during the outage stayed unsubscribed.
        let counts: unknown[] = [];
        await until(
          async () => {
            counts = await Promise.all(
              [a, b].map((n) => n.adapter.serverCount().catch((e: Error) => e.message)),
            );
            return counts[0] === 2 && counts[1] === 2;
          },
          "resubscription",
          10_000,
        ).catch((err: Error) => {
          throw new Error(
            `${err.message}; serverCount() of the two nodes: ${JSON.stringify(counts)}`,
          );
        });
        a.adapter.broadcast(event("after"), ALL);
        await until(() => sb.events().includes("after"), "cross-node delivery after restart");
        expect(sb.events()).toEqual(["after"]);
        const found = await b.adapter.fetchSockets(ALL);
        expect(found.map((s) => s.id).sort()).toEqual(["sa", "sb"]);
      },
    );

    it("ends a request a node never answers at requestsTimeout, with the partial result and the silent node named", async () => {
      const key = `t${randomBytes(4).toString("hex")}`;
      const a = await node(redis.url, key);
      const b = await node(redis.url, key);
      await b.connect("sb");
      // A "node" that announces itself once, listens to requests and never answers.
      const silent = await clientPair(lib, redis.url);
      pairs.push(silent);
      const silentUid = "5113e7000000dead";
      if (flavour === "classic") {
        const sub = silent.sub as { subscribe: (...a: unknown[]) => Promise<unknown> };
        await (lib === "redis"
          ? sub.subscribe(`${key}-request#/#`, () => undefined)
          : sub.subscribe(`${key}-request#/#`));
        const pub = silent.pub as { publish: (c: string, m: Buffer) => Promise<unknown> };
        await pub.publish(
          `${key}#/#`,
          msgpackEncode([
            silentUid,
            { type: 2, nsp: "/", data: ["hi"] },
            { rooms: [], except: [], flags: {} },
          ]),
        );
      } else {
        const sub = silent.sub as Record<string, (...a: unknown[]) => Promise<unknown>>;
        await (lib === "redis"
          ? sub["sSubscribe"]!.call(sub, `${key}#/#`, () => undefined)
          : sub["ssubscribe"]!.call(sub, `${key}#/#`));
        const pub = silent.pub as Record<string, (c: string, m: string) => Promise<unknown>>;
        await pub[lib === "redis" ? "sPublish" : "spublish"]!.call(
          pub,
          `${key}#/#`,
          JSON.stringify({ uid: silentUid, nsp: "/", type: 2 }),
        );
      }
      await until(async () => (await a.adapter.serverCount()) === 3, "three subscribers");

      const error = await a.adapter.fetchSockets(ALL).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RequestTimeoutError);
      const timeout = error as RequestTimeoutError;
      expect(timeout.code).toBe(AdapterErrorCode.REQUEST_TIMEOUT);
      expect(timeout.missing).toBe(1);
      expect(timeout.silentNodes).toEqual([silentUid]);
      expect(timeout.message).toContain(silentUid);
      expect((timeout.responses as { id: string }[]).map((s) => s.id)).toEqual(["sb"]);

      const pending = new Promise<[Error | null, unknown[]]>((resolve) =>
        a.adapter.serverSideEmit(["ask", (e: Error | null, r: unknown[]) => resolve([e, r])]),
      );
      await until(() => b.serverSide.length === 1, "the request to reach b");
      (b.serverSide[0]?.at(-1) as (v: unknown) => void)("from-b");
      const [err, responses] = await pending;
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as RequestTimeoutError).silentNodes).toEqual([silentUid]);
      expect(responses).toEqual(["from-b"]);
    });
  });
}
