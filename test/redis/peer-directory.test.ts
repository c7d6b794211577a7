// The peer directory of request forwarding (issue #16, docs/scaling.md) on the three Redis adapters with both client
// libraries, against a real Redis: claim / lookup / release seen across nodes, conflicts, the keys written, fail-fast
// without Redis, the entry coming back after FLUSHALL and a restart (private redis-server), and the server wiring
// (`forwarding` option, `io.adapter(…)`, `io.close()`).
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Adapter, type PeerDirectory } from "@switchboard/adapter";
import { FakeNamespace } from "@switchboard/adapter/testing";
import { createAdapter, createShardedAdapter } from "@switchboard/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@switchboard/redis-streams-adapter";
import { Server } from "@switchboard/server";
import { cleanup, useCleanup } from "../support/cleanup.js";
import { closeServer, HOST, listen } from "../support/net.js";
import { canStartPrivateRedis, redisForTests, startPrivateRedis } from "../support/redis.js";
import { waitUntil } from "../support/wait.js";

const redis = await redisForTests("peer directory on the Redis adapters");
const ok = redis.problem === undefined;
const killable = ok && canStartPrivateRedis("peer directory after FLUSHALL and a Redis restart");
afterAll(() => redis.close());
useCleanup();

type Kind = "classic" | "sharded" | "streams";
type Lib = "redis" | "ioredis";
const VARIANTS: [Kind, Lib][] = [
  ["classic", "redis"],
  ["classic", "ioredis"],
  ["sharded", "redis"],
  ["sharded", "ioredis"],
  ["streams", "redis"],
  ["streams", "ioredis"],
];
type AdapterFactory = (nsp: FakeNamespace) => Adapter;

interface Clients {
  pub: object;
  sub: object;
  /** A raw command on the publisher. */
  raw(...args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/** A client pair of one library, reconnecting quickly, errors swallowed (the tests look at behaviour). */
async function clients(lib: Lib, url: string): Promise<Clients> {
  if (lib === "redis") {
    const pub = createClient({ url, socket: { reconnectStrategy: () => 50 } });
    const sub = pub.duplicate();
    pub.on("error", () => undefined);
    sub.on("error", () => undefined);
    await Promise.all([pub.connect(), sub.connect()]);
    return {
      pub,
      sub,
      raw: (...args) => pub.sendCommand(args),
      close: async () => {
        await Promise.allSettled([pub.close(), sub.close()]);
      },
    };
  }
  const opts = { retryStrategy: () => 50, lazyConnect: true };
  const pub = new Redis(url, opts);
  const sub = new Redis(url, opts);
  pub.on("error", () => undefined);
  sub.on("error", () => undefined);
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    pub,
    sub,
    raw: (...args) => pub.call(args[0] as string, ...args.slice(1)),
    close: async () => {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/** The adapter factory of `kind` whose directory keys start with `<key>#sb-peer#`. */
function factory(kind: Kind, c: Clients, key: string): AdapterFactory {
  if (kind === "classic") return createAdapter(c.pub, c.sub, { key }) as AdapterFactory;
  if (kind === "sharded")
    return createShardedAdapter(c.pub, c.sub, { channelPrefix: key }) as AdapterFactory;
  return createStreamsAdapter(c.pub, { streamName: key }) as AdapterFactory;
}

interface Node {
  clients: Clients;
  adapter: Adapter;
  dir: PeerDirectory;
}

/** A node: its own clients and the main namespace's adapter, closed after the test. */
async function node(kind: Kind, lib: Lib, url: string, key: string): Promise<Node> {
  const c = await clients(lib, url);
  const nsp = new FakeNamespace("/");
  const adapter = factory(kind, c, key)(nsp);
  nsp.adapter = adapter;
  cleanup.add(async () => {
    await adapter.close();
    await c.close();
  });
  const dir = (adapter as { peerDirectory?: PeerDirectory }).peerDirectory;
  expect(dir, "the adapter's peerDirectory").toBeDefined();
  return { clients: c, adapter, dir: dir! };
}

const uniqueKey = (): string => `sbpeer-${randomBytes(4).toString("hex")}`;
const randomTag = (): string => randomBytes(6).toString("base64url").slice(0, 6);

describe.runIf(ok)("peer directory of the Redis adapters", () => {
  describe.each(VARIANTS)("%s adapter with %s", (kind, lib) => {
    it("claims a tag other nodes see, refuses a conflicting claim, and releases it", async () => {
      const key = uniqueKey();
      const a = await node(kind, lib, redis.url, key);
      const b = await node(kind, lib, redis.url, key);
      const tag = randomTag();
      const address = "http://127.0.0.1:4001";

      await expect(a.dir.claim(tag, address)).resolves.toBe(true);
      expect(await a.clients.raw("GET", `${key}#sb-peer#${tag}`)).toBe(address);
      const pttl = Number(await a.clients.raw("PTTL", `${key}#sb-peer#${tag}`));
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(15_000);
      await expect(b.dir.lookup(tag)).resolves.toBe(address);

      await expect(b.dir.claim(tag, "http://127.0.0.1:4002")).resolves.toBe(false);
      await expect(b.dir.lookup(tag)).resolves.toBe(address);
      await expect(a.dir.claim(tag, address)).resolves.toBe(true); // repeated: still ours

      await a.dir.release(tag);
      await expect(b.dir.lookup(tag)).resolves.toBeNull();
      expect(Number(await b.clients.raw("EXISTS", `${key}#sb-peer#${tag}`))).toBe(0);
    });

    it("shares one directory between the namespaces of one factory", async () => {
      const c = await clients(lib, redis.url);
      const make = factory(kind, c, uniqueKey());
      const main = new FakeNamespace("/");
      const other = new FakeNamespace("/other");
      main.adapter = make(main);
      other.adapter = make(other);
      cleanup.add(async () => {
        await main.adapter.close();
        await other.adapter.close();
        await c.close();
      });
      const dirOf = (a: Adapter): unknown => (a as { peerDirectory?: unknown }).peerDirectory;
      expect(dirOf(main.adapter)).toBeDefined();
      expect(dirOf(other.adapter)).toBe(dirOf(main.adapter));
    });

    it("treats an entry that is not http://host:port, or an invalid tag, as absent", async () => {
      const key = uniqueKey();
      const a = await node(kind, lib, redis.url, key);
      await a.clients.raw(
        "SET",
        `${key}#sb-peer#forged1`,
        "https://evil.example:443/x",
        "PX",
        "5000",
      );
      await a.clients.raw("SET", `${key}#sb-peer#a#b`, "http://127.0.0.1:4003", "PX", "5000");
      await expect(a.dir.lookup("forged1")).resolves.toBeNull();
      await expect(a.dir.lookup("a#b")).resolves.toBeNull();
    });

    it("fails fast once its client is closed", async () => {
      const a = await node(kind, lib, redis.url, uniqueKey());
      await a.adapter.close();
      await a.clients.close();
      // ioredis leaves "ready" on its next turns, once the socket is closed.
      const status = (): unknown => (a.clients.pub as { status?: string }).status;
      await waitUntil(() => lib === "redis" || status() === "end", "the ioredis client to end");
      await expect(a.dir.lookup(randomTag())).rejects.toMatchObject({
        code: kind === "streams" ? "ERR_SB_REDIS_STREAMS_UNAVAILABLE" : "ERR_SB_REDIS_UNAVAILABLE",
      });
    });
  });
});

describe.runIf(killable)("peer directory after Redis loses its data", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("every adapter puts its entry back within one refresh after FLUSHALL and after a restart", async () => {
    const priv = await startPrivateRedis();
    cleanup.add(() => priv.close());
    const key = uniqueKey();
    const nodes = await Promise.all(VARIANTS.map(([kind, lib]) => node(kind, lib, priv.url, key)));
    // Only the directories' refresh timers are faked: the clients' own reconnection timers stay real.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const entries = nodes.map((n, i) => ({
      n,
      tag: `rst${i}${randomTag()}`,
      address: `http://127.0.0.1:${5000 + i}`,
    }));
    for (const e of entries) await expect(e.n.dir.claim(e.tag, e.address)).resolves.toBe(true);
    const all = async (): Promise<(string | null)[]> =>
      Promise.all(entries.map((e) => e.n.dir.lookup(e.tag)));
    const restored = async (): Promise<boolean> =>
      (await all().catch(() => undefined))?.every((v, i) => v === entries[i]!.address) === true;

    await nodes[0]!.clients.raw("FLUSHALL");
    expect(await all()).toEqual(entries.map(() => null));
    vi.advanceTimersByTime(5000);
    await waitUntil(restored, "the entries to come back after FLUSHALL", 5000);

    await priv.kill();
    await priv.restart();
    // Every client is back once each lookup answers (null: the restarted server is empty).
    await waitUntil(
      async () => (await all().catch(() => undefined))?.every((v) => v === null) === true,
      "every client to reconnect to the empty server",
      10_000,
    );
    vi.advanceTimersByTime(5000);
    await waitUntil(restored, "the entries to come back after the restart", 5000);
    for (const e of entries) await e.n.dir.release(e.tag);
  });
});

/** The Engine.IO session id of a fresh polling handshake. */
async function handshakeSid(url: string): Promise<string> {
  const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return (JSON.parse(body.slice(1)) as { sid: string }).sid;
}

interface Forwarding {
  tag: string;
  address: string;
}
const forwardingOf = (io: Server): Forwarding | null =>
  (io.engine as unknown as { forwarding: Forwarding | null }).forwarding;
const directoryOf = (io: Server): PeerDirectory =>
  (io.of("/").adapter as unknown as { peerDirectory: PeerDirectory }).peerDirectory;

/** `new Server(http, opts)` on 127.0.0.1, closed after the test, with `setup` run before listening. */
async function startServer(
  opts: ConstructorParameters<typeof Server>[1],
  setup?: (io: Server) => void,
): Promise<{ io: Server; url: string; port: number }> {
  const http = createServer();
  const io = new Server(http, opts);
  setup?.(io);
  cleanup.add(() => closeServer(io, http), true);
  const port = await listen(http);
  return { io, url: `http://${HOST}:${port}`, port };
}

describe.runIf(ok)("server wiring of forwarding", () => {
  for (const kind of ["classic", "sharded", "streams"] as const) {
    it(`io.adapter(${kind} adapter) after new Server(): the node claims a tag resolving to its address`, async () => {
      const c = await clients("redis", redis.url);
      cleanup.add(() => c.close());
      const key = uniqueKey();
      const { io, url, port } = await startServer({}, (io) => {
        io.adapter(factory(kind, c, key) as never);
      });
      const sid = await handshakeSid(url);
      const fw = forwardingOf(io);
      expect(fw?.tag).toMatch(/^[A-Za-z0-9_-]{6}$/);
      expect(sid.startsWith(fw!.tag)).toBe(true);
      expect(sid).toHaveLength(26);
      await expect(directoryOf(io).lookup(fw!.tag)).resolves.toBe(`http://${HOST}:${port}`);
      expect(await c.raw("GET", `${key}#sb-peer#${fw!.tag}`)).toBe(`http://${HOST}:${port}`);

      await io.close();
      await waitUntil(
        async () => Number(await c.raw("EXISTS", `${key}#sb-peer#${fw!.tag}`)) === 0,
        "the tag to be released by io.close()",
      );
    });
  }

  it("the adapter option with ioredis turns it on too", async () => {
    const c = await clients("ioredis", redis.url);
    cleanup.add(() => c.close());
    const key = uniqueKey();
    const { io, url, port } = await startServer({ adapter: factory("classic", c, key) as never });
    await handshakeSid(url);
    const tag = forwardingOf(io)!.tag;
    expect(await c.raw("GET", `${key}#sb-peer#${tag}`)).toBe(`http://${HOST}:${port}`);
  });

  it("forwarding: false leaves it off: no tag, no key, untagged session ids", async () => {
    const c = await clients("redis", redis.url);
    cleanup.add(() => c.close());
    const key = uniqueKey();
    const { io, url } = await startServer({
      forwarding: false,
      adapter: factory("classic", c, key) as never,
    });
    const sid = await handshakeSid(url);
    expect(sid).toHaveLength(20);
    expect(forwardingOf(io)).toBeNull();
    expect(await c.raw("KEYS", `${key}#sb-peer#*`)).toEqual([]);
  });

  it("the in-memory adapter leaves it off", async () => {
    const { io, url } = await startServer({});
    expect(await handshakeSid(url)).toHaveLength(20);
    expect(forwardingOf(io)).toBeNull();
  });

  it("swapping the Redis adapter for the in-memory one turns it off and releases the tag", async () => {
    const c = await clients("redis", redis.url);
    cleanup.add(() => c.close());
    const key = uniqueKey();
    const { io, url } = await startServer({ adapter: factory("classic", c, key) as never });
    await handshakeSid(url);
    const tag = forwardingOf(io)!.tag;
    io.adapter(Adapter);
    expect(forwardingOf(io)).toBeNull();
    await waitUntil(
      async () => Number(await c.raw("EXISTS", `${key}#sb-peer#${tag}`)) === 0,
      "the tag to be released",
    );
    expect(await handshakeSid(url)).toHaveLength(20);
  });
});
