/**
 * The adapter contract suite: every adapter (in-memory, session-aware, Redis, …) must pass it.
 * Import from `@switchboard/adapter/testing` in a Vitest test file and call {@link adapterContract}.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PacketType, type Packet } from "@switchboard/parser";
import type { Adapter } from "./in-memory-adapter.js";
import type { AdapterNamespace, AdapterSocket, Room, SocketId, WriteFlags } from "./types.js";

/** Builds the adapter under test for a namespace (may be async, e.g. to connect to Redis). */
export type AdapterFactory = (nsp: AdapterNamespace) => Adapter | Promise<Adapter>;

export interface AdapterContractOptions {
  /** Also run the connection state recovery tests (session-aware adapters). */
  sessionAware?: boolean;
}

/** A recorded delivery to a {@link FakeSocket}. */
export interface Delivery {
  packet: Packet;
  prepared: unknown;
  flags: WriteFlags;
}

/** A namespace host for adapter tests: counts encodings and ack ids. */
export class FakeNamespace implements AdapterNamespace {
  readonly name: string;
  readonly sockets = new Map<SocketId, FakeSocket>();
  adapter!: Adapter;
  /** The server's recovery options: set it before building the adapter to turn recovery on. */
  recovery: { maxDisconnectionDuration?: number } | undefined = undefined;
  prepareCount = 0;
  #ackId = 0;

  constructor(name = "/") {
    this.name = name;
  }

  prepare(packet: Packet): unknown {
    this.prepareCount++;
    return { encoded: JSON.stringify(packet) };
  }

  nextAckId(): number {
    return this.#ackId++;
  }

  /** Connect a fake socket: registered in the namespace and joined to its own room. */
  async connect(id: SocketId, rooms: Room[] = []): Promise<FakeSocket> {
    const socket = new FakeSocket(this, id);
    this.sockets.set(id, socket);
    await this.adapter.addAll(id, new Set([id, ...rooms]));
    return socket;
  }
}

/** A socket host for adapter tests: records what it receives. */
export class FakeSocket implements AdapterSocket {
  readonly id: SocketId;
  readonly handshake = { auth: {} };
  data: unknown = {};
  readonly received: Delivery[] = [];
  readonly acks = new Map<number, (...args: unknown[]) => void>();
  disconnected: boolean | undefined;
  readonly #nsp: FakeNamespace;

  constructor(nsp: FakeNamespace, id: SocketId) {
    this.#nsp = nsp;
    this.id = id;
  }

  deliver(packet: Packet, prepared: unknown, flags: WriteFlags): void {
    this.received.push({ packet: { ...packet }, prepared, flags });
  }

  registerAck(id: number, ack: (...args: unknown[]) => void): void {
    this.acks.set(id, ack);
  }

  join(rooms: Room | Room[]): Promise<void> | void {
    return this.#nsp.adapter.addAll(this.id, new Set(Array.isArray(rooms) ? rooms : [rooms]));
  }

  leave(room: Room): Promise<void> | void {
    return this.#nsp.adapter.del(this.id, room);
  }

  disconnect(close?: boolean): this {
    this.disconnected = close === true;
    this.#nsp.adapter.delAll(this.id);
    this.#nsp.sockets.delete(this.id);
    return this;
  }

  /** Event names received, in order. */
  events(): unknown[] {
    return this.received.map((d) => (d.packet.data as unknown[])[0]);
  }
}

function event(...data: unknown[]): Packet {
  return { type: PacketType.EVENT, nsp: "/", data };
}

/**
 * Register the contract tests for an adapter.
 *
 * @example
 * ```ts
 * import { Adapter } from "@switchboard/adapter";
 * import { adapterContract } from "@switchboard/adapter/testing";
 * adapterContract("in-memory", (nsp) => new Adapter(nsp));
 * ```
 */
export function adapterContract(
  name: string,
  factory: AdapterFactory,
  options: AdapterContractOptions = {},
): void {
  describe(`adapter contract: ${name}`, () => {
    const open: Adapter[] = [];

    async function setup(nspName = "/", recovery = false): Promise<FakeNamespace> {
      const nsp = new FakeNamespace(nspName);
      if (recovery) nsp.recovery = {};
      nsp.adapter = await factory(nsp);
      open.push(nsp.adapter);
      await nsp.adapter.init();
      return nsp;
    }

    afterEach(async () => {
      for (const adapter of open.splice(0)) await adapter.close();
    });

    it("tracks rooms and sids with addAll, del and delAll", async () => {
      const nsp = await setup();
      await nsp.connect("a", ["r1", "r2"]);
      await nsp.connect("b", ["r1"]);
      const { adapter } = nsp;
      expect([...(adapter.rooms.get("r1") ?? [])]).toEqual(["a", "b"]);
      expect(adapter.socketRooms("a")).toEqual(new Set(["a", "r1", "r2"]));
      await adapter.del("a", "r1");
      expect(adapter.rooms.get("r1")).toEqual(new Set(["b"]));
      expect(adapter.socketRooms("a")).toEqual(new Set(["a", "r2"]));
      adapter.delAll("a");
      expect(adapter.socketRooms("a")).toBeUndefined();
      expect(adapter.rooms.has("r2")).toBe(false);
      expect(adapter.rooms.has("a")).toBe(false);
      expect(adapter.rooms.has("b")).toBe(true);
    });

    it("emits create-room, join-room, leave-room and delete-room", async () => {
      const nsp = await setup();
      const log: string[] = [];
      nsp.adapter.on("create-room", (room) => log.push(`create ${room}`));
      nsp.adapter.on("join-room", (room, id) => log.push(`join ${room} ${id}`));
      nsp.adapter.on("leave-room", (room, id) => log.push(`leave ${room} ${id}`));
      nsp.adapter.on("delete-room", (room) => log.push(`delete ${room}`));
      await nsp.connect("a", ["r"]);
      await nsp.adapter.addAll("a", new Set(["r"]));
      await nsp.adapter.del("a", "r");
      await nsp.adapter.del("a", "r");
      expect(log).toEqual([
        "create a",
        "join a a",
        "create r",
        "join r a",
        "leave r a",
        "delete r",
      ]);
    });

    it("broadcasts to every socket when no room is given, encoding once", async () => {
      const nsp = await setup();
      const sockets = [await nsp.connect("a"), await nsp.connect("b"), await nsp.connect("c")];
      nsp.adapter.broadcast(event("hello", 1), { rooms: new Set(), except: new Set() });
      expect(nsp.prepareCount).toBe(1);
      for (const socket of sockets) expect(socket.events()).toEqual(["hello"]);
      const prepared = sockets.map((s) => s.received[0]?.prepared);
      expect(prepared[0]).toBeDefined();
      expect(prepared[1]).toBe(prepared[0]);
      expect(prepared[2]).toBe(prepared[0]);
    });

    it("sets the packet namespace to the adapter's namespace", async () => {
      const nsp = await setup("/admin");
      const a = await nsp.connect("a");
      nsp.adapter.broadcast(event("x"), { rooms: new Set() });
      expect(a.received[0]?.packet.nsp).toBe("/admin");
    });

    it("targets rooms, de-duplicates sockets in several rooms, honours except", async () => {
      const nsp = await setup();
      const a = await nsp.connect("a", ["r1", "r2"]);
      const b = await nsp.connect("b", ["r2"]);
      const c = await nsp.connect("c", ["r3"]);
      const d = await nsp.connect("d", ["r1", "x"]);
      nsp.adapter.broadcast(event("m"), { rooms: new Set(["r1", "r2"]), except: new Set(["x"]) });
      expect(a.events()).toEqual(["m"]);
      expect(b.events()).toEqual(["m"]);
      expect(c.events()).toEqual([]);
      expect(d.events()).toEqual([]);
    });

    it("excludes sockets by their own room (socket.broadcast)", async () => {
      const nsp = await setup();
      const a = await nsp.connect("a");
      const b = await nsp.connect("b");
      nsp.adapter.broadcast(event("m"), { rooms: new Set(), except: new Set(["a"]) });
      expect(a.events()).toEqual([]);
      expect(b.events()).toEqual(["m"]);
    });

    it("does not encode when nobody matches", async () => {
      const nsp = await setup();
      await nsp.connect("a");
      nsp.adapter.broadcast(event("m"), { rooms: new Set(["nobody"]) });
      expect(nsp.prepareCount).toBe(0);
    });

    it("passes volatile and compress flags to each write", async () => {
      const nsp = await setup();
      const a = await nsp.connect("a");
      nsp.adapter.broadcast(event("m"), {
        rooms: new Set(),
        flags: { volatile: true, compress: false },
      });
      // Other write flags (issue #18: `droppable`, `conflate`) may ride along.
      expect(a.received[0]?.flags).toMatchObject({ volatile: true, compress: false });
    });

    it("broadcastWithAck allocates one ack id, counts clients and relays responses", async () => {
      const nsp = await setup();
      const a = await nsp.connect("a", ["r"]);
      const b = await nsp.connect("b", ["r"]);
      await nsp.connect("c");
      const counts: number[] = [];
      const responses: unknown[] = [];
      nsp.adapter.broadcastWithAck(
        event("q"),
        { rooms: new Set(["r"]), flags: { timeout: 1000 } },
        (n) => counts.push(n),
        (response) => responses.push(response),
      );
      expect(counts).toEqual([2]);
      const id = a.received[0]?.packet.id;
      expect(typeof id).toBe("number");
      expect(b.received[0]?.packet.id).toBe(id);
      expect(nsp.prepareCount).toBe(1);
      a.acks.get(id as number)?.("from a");
      b.acks.get(id as number)?.("from b");
      expect(responses).toEqual(["from a", "from b"]);
    });

    it("sockets() and fetchSockets() list the matching local sockets", async () => {
      const nsp = await setup();
      await nsp.connect("a", ["r"]);
      await nsp.connect("b", ["r", "s"]);
      await nsp.connect("c");
      expect(await nsp.adapter.sockets(new Set(["r"]))).toEqual(new Set(["a", "b"]));
      expect(await nsp.adapter.sockets(new Set())).toEqual(new Set(["a", "b", "c"]));
      const found = await nsp.adapter.fetchSockets({
        rooms: new Set(["r"]),
        except: new Set(["s"]),
      });
      expect(found.map((s) => s.id)).toEqual(["a"]);
    });

    it("addSockets, delSockets and disconnectSockets act on the matching sockets", async () => {
      const nsp = await setup();
      await nsp.connect("a", ["r"]);
      await nsp.connect("b", ["r"]);
      const c = await nsp.connect("c");
      nsp.adapter.addSockets({ rooms: new Set(["r"]) }, ["joined", "other"]);
      expect(nsp.adapter.rooms.get("joined")).toEqual(new Set(["a", "b"]));
      nsp.adapter.delSockets({ rooms: new Set(["joined"]), except: new Set(["a"]) }, [
        "joined",
        "r",
      ]);
      expect(nsp.adapter.rooms.get("joined")).toEqual(new Set(["a"]));
      expect(nsp.adapter.rooms.get("r")).toEqual(new Set(["a"]));
      nsp.adapter.disconnectSockets({ rooms: new Set(["other"]) }, true);
      expect(nsp.sockets.has("a")).toBe(false);
      expect(nsp.sockets.has("b")).toBe(false);
      expect(c.disconnected).toBeUndefined();
      expect(nsp.adapter.rooms.has("other")).toBe(false);
    });

    it("serverCount() is at least 1", async () => {
      const nsp = await setup();
      expect(await nsp.adapter.serverCount()).toBeGreaterThanOrEqual(1);
    });

    if (options.sessionAware === true) sessionContract(setup);
  });
}

function sessionContract(
  setupAny: (nspName?: string, recovery?: boolean) => Promise<FakeNamespace>,
): void {
  const setup = (): Promise<FakeNamespace> => setupAny("/", true);
  it("appends an offset to plain broadcast events and replays missed ones on restore", async () => {
    const nsp = await setup();
    const a = await nsp.connect("a", ["r"]);
    nsp.adapter.broadcast(event("first"), { rooms: new Set() });
    const offset = (a.received[0]?.packet.data as unknown[])[1];
    expect(typeof offset).toBe("string");
    await nsp.adapter.persistSession({ sid: "a", pid: "p1", rooms: ["a", "r"], data: { n: 1 } });
    a.disconnect();
    nsp.adapter.broadcast(event("to-r", 1), { rooms: new Set(["r"]) });
    nsp.adapter.broadcast(event("to-other"), { rooms: new Set(["other"]) });
    nsp.adapter.broadcast(event("except-r"), { rooms: new Set(), except: new Set(["r"]) });
    nsp.adapter.broadcast(event("volatile"), { rooms: new Set(), flags: { volatile: true } });
    nsp.adapter.broadcast(event("all"), { rooms: new Set() });
    const session = await nsp.adapter.restoreSession("p1", offset as string);
    expect(session).not.toBeNull();
    expect(session?.sid).toBe("a");
    expect(session?.rooms).toEqual(["a", "r"]);
    expect(session?.data).toEqual({ n: 1 });
    expect(session?.missedPackets.map((p) => p[0])).toEqual(["to-r", "all"]);
    expect(session?.missedPackets[0]?.[1]).toBe(1);
    expect(typeof session?.missedPackets[0]?.[2]).toBe("string");
    // A session is restored at most once.
    expect(await nsp.adapter.restoreSession("p1", offset as string)).toBeNull();
  });

  it("does not restore an unknown session or an unknown offset", async () => {
    const nsp = await setup();
    await nsp.adapter.persistSession({ sid: "a", pid: "p1", rooms: ["a"], data: {} });
    expect(await nsp.adapter.restoreSession("nope", "x")).toBeNull();
    expect(await nsp.adapter.restoreSession("p1", "unknown-offset")).toBeNull();
  });

  it("leaves acked events without offset", async () => {
    const nsp = await setup();
    const a = await nsp.connect("a");
    nsp.adapter.broadcastWithAck(
      event("q", 1),
      { rooms: new Set() },
      () => {},
      () => {},
    );
    expect(a.received[0]?.packet.data).toEqual(["q", 1]);
  });
}
export { InProcessBus, InProcessClusterAdapter } from "./in-process-cluster.js";
