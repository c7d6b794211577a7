// Issue #12, Switchboard's own limits (socket.io 4.8.4 has none of them): `maxNamespacesPerConnection`,
// `maxPendingAcks`, the `maxAttachments` server option; and which child namespaces are kept (as socket.io). Every
// refusal is the protocol's own answer and affects only the offending connection or socket.
import * as sioParser from "socket.io-parser";
import { afterEach, describe, expect, it, vi } from "vitest";
import { impls, runnable, type ServerCtor } from "./impls.js";
import { captureEscapes } from "./escapes.js";
import {
  cleanup,
  connect,
  connectPair,
  manager,
  once,
  startServer,
  waitConnect,
  type ClientSocket,
  type Pair,
  type ServerSocket,
  type Started,
} from "./helpers.js";
import { RawClient } from "./raw-client.js";

afterEach(cleanup.run);

const ws = { label: "websocket", transports: ["websocket" as const] };
const placeholder = (num: number) => `{"_placeholder":true,"num":${num}}`;
const binaryEvent = (event: string, n: number) =>
  `45${n}-["${event}",${Array.from({ length: n }, (_, i) => placeholder(i)).join(",")}]`;
const TOO_MANY =
  '{"message":"Too many namespaces on this connection","data":{"code":"ERR_SB_TOO_MANY_NAMESPACES"}}';

async function withWitness(
  Server: ServerCtor,
  opts: Record<string, unknown> = {},
): Promise<{ started: Started; witness: Pair }> {
  const started = await startServer(Server, opts);
  started.io.on("connection", (s) => s.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x)));
  const witness = await connectPair(started, ws);
  return { started, witness };
}

async function witnessStillWorks(started: Started, witness: Pair, connections = 1): Promise<void> {
  expect(witness.client.connected).toBe(true);
  await expect(witness.client.timeout(2000).emitWithAck("echo", "alive")).resolves.toBe("alive");
  expect(started.io.engine.clientsCount).toBe(connections);
}

/** The ack id of the next EVENT `event` the raw client receives. */
async function ackIdOf(raw: RawClient, event: string): Promise<number> {
  const frame = (await raw.next(
    (f) => typeof f === "string" && f.includes(`["${event}"`),
  )) as string;
  return Number(/^42(\d+)\[/.exec(frame)?.[1]);
}

/** Switchboard's own options, which socket.io's option type (the suite's common type) does not know. */
const sb = (opts: Record<string, unknown>): Parameters<typeof startServer>[1] => opts;

const switchboard = impls.find((i) => i.name === "switchboard")!;

describe("switchboard", () => {
  if (!runnable(switchboard)) return;
  const { Server, module } = switchboard;
  const AckTimeoutError = module!.AckTimeoutError as new () => Error;

  describe("maxNamespacesPerConnection", () => {
    it("defaults to 100: the 101st CONNECT gets connect_error with a code, the 100 stay connected", async () => {
      const { started, witness } = await withWitness(Server);
      started.io.of(/^\/ns-\d+$/);
      const raw = await RawClient.open(started.port);
      await raw.connect();
      for (let i = 1; i < 100; i++) await raw.connect(`/ns-${i}`);
      raw.send("40/ns-100,");
      expect(await raw.next((f) => typeof f === "string" && f.startsWith("44/ns-100,"))).toBe(
        `44/ns-100,${TOO_MANY}`,
      );
      expect(started.io._nsps.has("/ns-100")).toBe(false);
      // The connection and its namespaces are untouched: a broadcast on one of them still arrives.
      started.io.of("/ns-42").emit("still", "here");
      expect(await raw.next((f) => typeof f === "string" && f.startsWith("42/ns-42,"))).toBe(
        '42/ns-42,["still","here"]',
      );
      // Leaving a namespace frees its place.
      raw.send("41/ns-1,");
      await raw.connect("/ns-100");
      expect(raw.isOpen).toBe(true);
      await witnessStillWorks(started, witness, 2);
    });

    it("the official client sees connect_error with data.code on that namespace only", async () => {
      const started = await startServer(Server, sb({ maxNamespacesPerConnection: 2 }));
      for (const name of ["/a", "/b", "/c"]) started.io.of(name);
      const m = manager(started.url, { transports: ["websocket"] });
      const a = m.socket("/a");
      const b = m.socket("/b");
      await Promise.all([waitConnect(a), waitConnect(b)]);
      const c = m.socket("/c");
      const [err] = (await once(c, "connect_error")) as [Error & { data?: unknown }];
      expect(err.message).toBe("Too many namespaces on this connection");
      expect(err.data).toEqual({ code: "ERR_SB_TOO_MANY_NAMESPACES" });
      expect(a.connected && b.connected).toBe(true);
      expect(started.io.of("/c").sockets.size).toBe(0);
      expect(started.io.engine.clientsCount).toBe(1);
    });

    it("CONNECTs still in a middleware count, and a refused one never reaches the matcher", async () => {
      const started = await startServer(Server, sb({ maxNamespacesPerConnection: 2 }));
      let asked = 0;
      const parent = started.io.of((_name, _auth, next) => {
        asked++;
        next(null, true);
      });
      parent.use(() => {}); // never calls next: both CONNECTs stay pending
      const raw = await RawClient.open(started.port);
      raw.send("40/x1,");
      raw.send("40/x2,");
      raw.send("40/x3,");
      expect(await raw.next()).toBe(`44/x3,${TOO_MANY}`);
      expect(asked).toBe(2);
      expect(started.io._nsps.has("/x3")).toBe(false);
    });

    it("a flood of CONNECTs to dynamic namespaces on one connection creates at most the limit", async () => {
      const started = await startServer(Server, sb({ maxNamespacesPerConnection: 5 }));
      const parent = started.io.of(/^\/flood-\d+$/);
      const before = started.io._nsps.size;
      const raw = await RawClient.open(started.port);
      for (let i = 0; i < 200; i++) raw.send(`40/flood-${i},`);
      for (let i = 0; i < 5; i++)
        await raw.next((f) => typeof f === "string" && f.startsWith(`40/flood-${i},{"sid"`));
      for (let i = 5; i < 200; i++)
        expect(await raw.next((f) => typeof f === "string" && f.startsWith(`44/flood-${i},`))).toBe(
          `44/flood-${i},${TOO_MANY}`,
        );
      expect(started.io._nsps.size).toBe(before + 5);
      expect((parent as unknown as { children: Set<unknown> }).children.size).toBe(5);
    });

    it("refuses a limit that is not a positive integer", () => {
      for (const bad of [0, -1, 1.5, Number.NaN, "10"]) {
        expect(() => new Server({ maxNamespacesPerConnection: bad } as never)).toThrow(
          expect.objectContaining({ code: "ERR_SB_INVALID_OPTION" }) as Error,
        );
      }
      expect(() => new Server({ maxPendingAcks: 0 } as never)).toThrow(/maxPendingAcks/);
      expect(() => new Server({ maxAttachments: -1 } as never)).toThrow(/maxAttachments/);
    });
  });

  describe("dynamic child namespaces without cleanupEmptyChildNamespaces", () => {
    it("every child a CONNECT created stays, refused or joined (socket.io's default); the option removes them", async () => {
      const started = await startServer(Server);
      const parent = started.io.of(/^\/room-\d+$/);
      parent.use((socket, next) =>
        next(socket.handshake.auth.ok === true ? undefined : new Error("no")),
      );
      const before = [...started.io._nsps.keys()];
      const raw = await RawClient.open(started.port);
      for (let i = 0; i < 20; i++) {
        raw.send(`40/room-${i},`);
        expect(await raw.next()).toBe(`44/room-${i},{"message":"no"}`);
      }
      const kept = [...started.io._nsps.keys()].filter((name) => !before.includes(name));
      expect(kept).toEqual(Array.from({ length: 20 }, (_, i) => `/room-${i}`));
      for (const name of kept) expect(started.io._nsps.get(name)!.sockets.size).toBe(0);
      const room7 = started.io._nsps.get("/room-7")!;
      const id = await raw.connect("/room-7", { ok: true });
      expect(room7.sockets.has(id)).toBe(true);
      const left = once(room7.sockets.get(id)!, "disconnect");
      raw.send("41/room-7,");
      await left;
      expect(started.io._nsps.get("/room-7")).toBe(room7);

      // The same flood with the option on leaves nothing behind.
      const cleaning = await startServer(Server, { cleanupEmptyChildNamespaces: true });
      cleaning.io.of(/^\/room-\d+$/).use((_socket, next) => next(new Error("no")));
      const names = [...cleaning.io._nsps.keys()];
      const other = await RawClient.open(cleaning.port);
      for (let i = 0; i < 20; i++) {
        other.send(`40/room-${i},`);
        expect(await other.next()).toBe(`44/room-${i},{"message":"no"}`);
      }
      expect([...cleaning.io._nsps.keys()]).toEqual(names);
    });

    it("a child created by io.of() is kept, and so is one another client is still joining", async () => {
      const started = await startServer(Server);
      const parent = started.io.of(/^\/room-\d+$/);
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        parent.use((socket, next) => {
          if (socket.handshake.auth.hold !== true) return next(new Error("no"));
          release = next;
          resolve();
        });
      });
      const mine = started.io.of("/room-1");
      const raw = await RawClient.open(started.port);
      raw.send("40/room-1,");
      expect(await raw.next()).toBe('44/room-1,{"message":"no"}');
      expect(started.io._nsps.get("/room-1")).toBe(mine);

      const holder = await RawClient.open(started.port);
      holder.send('40/room-2,{"hold":true}');
      await held;
      raw.send("40/room-2,");
      expect(await raw.next()).toBe('44/room-2,{"message":"no"}');
      const room2 = started.io._nsps.get("/room-2");
      expect(room2).toBeDefined();
      release();
      await holder.next((f) => typeof f === "string" && f.startsWith('40/room-2,{"sid"'));
      expect(started.io._nsps.get("/room-2")).toBe(room2);
    });
  });

  describe("maxPendingAcks", () => {
    async function silentPeer(
      opts: Record<string, unknown>,
    ): Promise<{ raw: RawClient; socket: ServerSocket; started: Started }> {
      const started = await startServer(Server, opts);
      const connection = once(started.io, "connection");
      const raw = await RawClient.open(started.port);
      await raw.connect();
      const [socket] = (await connection) as [ServerSocket];
      return { raw, socket, started };
    }

    it("past the limit the oldest timeout() ack fails at once with the timeout error; the rest still work", async () => {
      const { raw, socket } = await silentPeer({ maxPendingAcks: 2 });
      const results: unknown[][] = [];
      socket
        .timeout(60_000)
        .emit("q", (err: unknown, value?: unknown) => results.push(["first", err, value]));
      const second = socket.timeout(60_000).emitWithAck("q");
      const firstId = await ackIdOf(raw, "q");
      const secondId = await ackIdOf(raw, "q");
      expect(results).toEqual([]);
      const third = socket.timeout(60_000).emitWithAck("q");
      // The first is evicted synchronously by the third emit.
      expect(results).toHaveLength(1);
      const [, err] = results[0]!;
      expect(err).toBeInstanceOf(AckTimeoutError);
      expect(err).toMatchObject({
        code: "ERR_SIO_ACK_TIMEOUT",
        message: "operation has timed out",
      });
      const thirdId = await ackIdOf(raw, "q");
      // A late answer to the evicted ack is ignored; the others resolve.
      raw.send(`43${firstId}["late"]`);
      raw.send(`43${secondId}["two"]`);
      raw.send(`43${thirdId}["three"]`);
      await expect(second).resolves.toBe("two");
      await expect(third).resolves.toBe("three");
      expect(results).toHaveLength(1);
    });

    it("a plain ack (no timeout) is dropped when evicted: never called, as if the client never answered", async () => {
      const { raw, socket } = await silentPeer({ maxPendingAcks: 1 });
      const calls: unknown[][] = [];
      socket.emit("q", (...args: unknown[]) => calls.push(["plain", ...args]));
      const plainId = await ackIdOf(raw, "q");
      const next = socket.timeout(60_000).emitWithAck("q");
      const nextId = await ackIdOf(raw, "q");
      raw.send(`43${plainId}["late"]`);
      raw.send(`43${nextId}["ok"]`);
      await expect(next).resolves.toBe("ok");
      expect(calls).toEqual([]);
    });

    it("defaults to 1000; evictions are bounded per socket and never escape", async () => {
      const escaped = captureEscapes();
      const { raw, socket, started } = await silentPeer({});
      const failures: unknown[] = [];
      for (let i = 0; i < 1000; i++)
        socket.timeout(60_000).emit("q", (err: unknown) => failures.push(err));
      expect(failures).toHaveLength(0);
      // An emitWithAck the user awaits rejects with the timeout error when it is evicted.
      const awaited = socket.timeout(60_000).emitWithAck("q");
      expect(failures).toHaveLength(1);
      for (let i = 0; i < 1000; i++) socket.emit("q", () => {});
      await expect(awaited).rejects.toBeInstanceOf(AckTimeoutError);
      expect(failures).toHaveLength(1000);
      // At the limit, broadcasts with an ack still work (the broadcast's own timer reports the silent client).
      const broadcast = started.io.timeout(50).emitWithAck("b");
      await expect(broadcast).rejects.toMatchObject({
        message: "operation has timed out",
        responses: [],
      });
      expect(raw.isOpen).toBe(true);
      expect(escaped).toEqual([]);
    });

    it("a broadcast's ack share counts too: registering it evicts the socket's oldest ack", async () => {
      const { raw, socket, started } = await silentPeer({ maxPendingAcks: 1 });
      const results: unknown[] = [];
      socket.timeout(60_000).emit("q", (err: unknown) => results.push(err));
      const bId = ackIdOf(raw, "b");
      const broadcast = started.io.timeout(2000).emitWithAck("b");
      expect(results).toEqual([expect.any(AckTimeoutError)]);
      // ...while the broadcast's share is in the table and answered.
      raw.send(`43${await bId}["yes"]`);
      await expect(broadcast).resolves.toEqual(["yes"]);
    });

    it("an evicted timeout() ack takes its timer with it", async () => {
      const { socket } = await silentPeer({ maxPendingAcks: 1 });
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      try {
        socket.timeout(60_000).emit("q", () => {});
        expect(vi.getTimerCount()).toBe(1);
        for (let i = 0; i < 10; i++) socket.timeout(60_000).emit("q", () => {});
        expect(vi.getTimerCount()).toBe(1);
      } finally {
        vi.useRealTimers();
      }
    });

    it("an evicted ack callback that throws is reported on the socket; emit() does not throw", async () => {
      const { socket } = await silentPeer({ maxPendingAcks: 1 });
      const errors: unknown[] = [];
      socket.on("error", (err: unknown) => errors.push(err));
      socket.timeout(60_000).emit("q", () => {
        throw new Error("boom");
      });
      expect(() => socket.timeout(60_000).emit("q", () => {})).not.toThrow();
      expect(errors).toEqual([new Error("boom")]);
    });
  });

  describe("maxAttachments option", () => {
    async function victimOf(started: Started): Promise<{ raw: RawClient; victim: ServerSocket }> {
      const connection = once(started.io, "connection");
      const raw = await RawClient.open(started.port);
      await raw.connect();
      const [victim] = (await connection) as [ServerSocket];
      return { raw, victim };
    }

    it("up to the limit is delivered; more closes that connection with `parse error` and a typed error", async () => {
      const { started, witness } = await withWitness(Server, { maxAttachments: 2 });
      const { raw, victim } = await victimOf(started);
      const got = once(victim, "files");
      raw.send(binaryEvent("files", 2));
      raw.send(Buffer.from([1]));
      raw.send(Buffer.from([2]));
      expect((await got).map((b) => [...(b as Buffer)])).toEqual([[1], [2]]);
      const errors: unknown[] = [];
      victim.on("error", (err: unknown) => errors.push(err));
      const gone = once(victim, "disconnect");
      raw.send(binaryEvent("files", 3));
      await raw.closedWithin();
      expect((await gone)[0]).toBe("parse error");
      expect(errors).toEqual([
        expect.objectContaining({ code: "ERR_SIO_DECODE_TOO_MANY_ATTACHMENTS" }),
      ]);
      await witnessStillWorks(started, witness);
    });

    it("raised, lets the official client send more than socket.io-parser's default of 10", async () => {
      const started = await startServer(Server, sb({ maxAttachments: 20 }));
      started.io.on("connection", (s) =>
        s.on("many", (...args: unknown[]) => (args.pop() as (n: number) => void)(args.length)),
      );
      const client: ClientSocket = connect(started.url, { transports: ["websocket"] });
      await waitConnect(client);
      const files = Array.from({ length: 15 }, (_, i) => Buffer.from([i]));
      await expect(client.timeout(2000).emitWithAck("many", ...files)).resolves.toBe(15);
    });

    it("is passed as { maxAttachments } to a custom parser's Decoder", async () => {
      const seen: unknown[] = [];
      class Decoder extends sioParser.Decoder {
        constructor(opts?: ConstructorParameters<typeof sioParser.Decoder>[0]) {
          seen.push(opts);
          super(opts);
        }
      }
      const started = await startServer(
        Server,
        sb({ maxAttachments: 1, parser: { Encoder: sioParser.Encoder, Decoder } }),
      );
      const { raw, victim } = await victimOf(started);
      expect(seen).toEqual([{ maxAttachments: 1 }]);
      victim.on("error", () => {});
      const gone = once(victim, "disconnect");
      raw.send(binaryEvent("files", 2));
      await raw.closedWithin();
      expect((await gone)[0]).toBe("parse error");
    });
  });
});
