// Three Switchboard nodes, each its own process, sharing rooms and broadcasts through a real Redis with
// @switchboard/redis-adapter; official socket.io-client clients spread over them. Every cross-node feature of
// issue #7 is exercised end to end, then a node is killed and restarted.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { redisForTests } from "../support/redis.js";
import {
  ClusterNode,
  connectClient,
  names,
  until,
  type RecordingClient,
} from "./cluster-helpers.js";

const redis = await redisForTests("multi-process Redis cluster");

describe.runIf(redis.problem === undefined)("Switchboard cluster over Redis (3 processes)", () => {
  const key = `sb${randomBytes(4).toString("hex")}`;
  let nodes: ClusterNode[] = [];
  const clients: RecordingClient[] = [];
  const room = (): string => `room-${randomBytes(3).toString("hex")}`;

  beforeAll(async () => {
    nodes = await Promise.all(
      ["A", "B", "C"].map((name) => new ClusterNode({ name, url: redis.url, key }).start()),
    );
    await until(
      async () =>
        (await Promise.all(nodes.map((n) => n.call<number>("serverCount")))).every((c) => c === 3),
      "3 nodes",
    );
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.socket.disconnect();
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await redis.close();
  });

  async function client(
    node: ClusterNode,
    opts: { nsp?: string; rooms?: string[]; user?: string } = {},
  ): Promise<RecordingClient> {
    const c = await connectClient(node, opts);
    clients.push(c);
    return c;
  }
  const [A, B, C] = [0, 1, 2].map((i) => () => nodes[i] as ClusterNode) as [
    () => ClusterNode,
    () => ClusterNode,
    () => ClusterNode,
  ];

  /** Send an `end` marker from `from` and wait for every client to get it: earlier broadcasts have arrived too. */
  async function settle(from: ClusterNode, all: RecordingClient[], nsp = "/"): Promise<void> {
    const marker = `end-${randomBytes(3).toString("hex")}`;
    await from.call("emit", { spec: { nsp }, ev: marker, args: [] });
    await Promise.all(all.map((c) => c.waitFor(marker)));
    for (const c of all)
      c.events.splice(
        c.events.findIndex((e) => e[0] === marker),
        1,
      );
  }

  it("serverCount() counts every node", async () => {
    expect(await Promise.all(nodes.map((n) => n.call("serverCount")))).toEqual([3, 3, 3]);
  });

  it("io.emit, to(room), except, to([..]) de-duplicated, to(socketId), binary, local, volatile", async () => {
    const [r1, r2, x] = [room(), room(), room()];
    const a = await client(A(), { rooms: [r1] });
    const b = await client(B(), { rooms: [r1, r2, x] });
    const c = await client(C(), { rooms: [r2] });
    const all = [a, b, c];
    await A().call("emit", { ev: "all", args: [1] });
    await A().call("emit", { spec: { to: r1 }, ev: "r1", args: [] });
    await A().call("emit", { spec: { to: [r1, r2] }, ev: "r1r2", args: [] });
    await A().call("emit", { spec: { except: x }, ev: "not-x", args: [] });
    await A().call("emit", { spec: { to: c.socket.id }, ev: "to-c", args: [] });
    await B().call("emit", { ev: "bin", args: [{ $bin: [1, 2, 255] }] });
    await C().call("emit", { spec: { local: true }, ev: "local-c", args: [] });
    // Each publisher's messages arrive in order; across publishers they may interleave: settle each, compare sets.
    await settle(A(), all);
    await settle(B(), all);
    // A volatile packet is dropped while a transport still has a write in progress (as in socket.io), so it is sent
    // once everything before it has arrived, when every transport is idle.
    await A().call("emit", { spec: { volatile: true }, ev: "volatile", args: [] });
    await settle(A(), all);
    const sorted = (c: RecordingClient): unknown[] => names(c).sort();
    expect(sorted(a)).toEqual(["all", "bin", "not-x", "r1", "r1r2", "volatile"]);
    expect(sorted(b)).toEqual(["all", "bin", "r1", "r1r2", "volatile"]);
    expect(sorted(c)).toEqual(["all", "bin", "local-c", "not-x", "r1r2", "to-c", "volatile"]);
    const bin = c.events.find((e) => e[0] === "bin")?.[1];
    expect(Buffer.from(bin as ArrayBuffer)).toEqual(Buffer.from([1, 2, 255]));
    expect(a.events[0]).toEqual(["all", 1]);
  });

  it("socket.broadcast reaches every other client on every node, not the sender", async () => {
    const a = await client(A());
    const b = await client(B());
    const c = await client(C());
    a.socket.emit("broadcast-from-me", "hi", 2);
    await Promise.all([b.waitFor("hi"), c.waitFor("hi")]);
    await settle(B(), [a, b, c]);
    expect(names(a)).toEqual([]);
    expect(b.events).toEqual([["hi", 2]]);
  });

  it("keeps namespaces apart", async () => {
    const root = await client(B());
    const admin = await client(C(), { nsp: "/admin" });
    await A().call("emit", { spec: { nsp: "/admin" }, ev: "adm", args: [] });
    await admin.waitFor("adm");
    await settle(A(), [root]);
    expect(names(root)).toEqual([]);
    expect(names(admin)).toEqual(["adm"]);
  });

  it("broadcast with acks collects the responses of clients on every node", async () => {
    const r = room();
    await client(A(), { rooms: [r], user: "a" });
    await client(B(), { rooms: [r], user: "b" });
    await client(C(), { rooms: [r], user: "c" });
    const responses = await A().call<string[]>("emitWithAck", {
      spec: { to: r, timeout: 3000 },
      ev: "q",
      args: [],
    });
    expect(responses.sort()).toEqual(["ack:q:a", "ack:q:b", "ack:q:c"]);
  });

  it("fetchSockets() returns RemoteSockets with id, handshake, rooms, data; they can emit, join, leave, disconnect", async () => {
    const r = room();
    const a = await client(A(), { rooms: [r], user: "a" });
    const b = await client(B(), { rooms: [r], user: "b" });
    const found = await A().call<
      { id: string; rooms: string[]; data: { node: string }; auth: { user: string } }[]
    >("fetchSockets", { spec: { to: r } });
    expect(found.map((s) => s.data.node).sort()).toEqual(["A", "B"]);
    const remote = found.find((s) => s.id === b.socket.id);
    expect(remote?.auth.user).toBe("b");
    expect(remote?.rooms).toEqual([b.socket.id, r].sort());
    await A().call("remote", { spec: { to: r }, id: b.socket.id, op: "emit", arg: ["direct", 5] });
    await b.waitFor("direct");
    expect(b.events).toContainEqual(["direct", 5]);
    const joined = room();
    await A().call("remote", { spec: { to: r }, id: b.socket.id, op: "join", arg: joined });
    await until(
      async () => (await B().call<string[]>("localRooms")).includes(joined),
      "remote join",
    );
    await A().call("remote", { spec: { to: r }, id: b.socket.id, op: "leave", arg: joined });
    await until(
      async () => !(await B().call<string[]>("localRooms")).includes(joined),
      "remote leave",
    );
    const gone = new Promise((resolve) => b.socket.once("disconnect", resolve));
    await A().call("remote", { spec: { to: r }, id: b.socket.id, op: "disconnect", arg: false });
    expect(await gone).toBe("io server disconnect");
    expect(a.socket.connected).toBe(true);
  });

  it("socketsJoin, socketsLeave and disconnectSockets act on every node", async () => {
    const [r, extra] = [room(), room()];
    const a = await client(A(), { rooms: [r] });
    const c = await client(C(), { rooms: [r] });
    const other = await client(B());
    await B().call("socketsJoin", { spec: { to: r }, rooms: [extra] });
    await until(
      async () =>
        (await C().call<string[]>("localRooms")).includes(extra) &&
        (await A().call<string[]>("localRooms")).includes(extra),
      "socketsJoin",
    );
    await B().call("emit", { spec: { to: extra }, ev: "to-extra", args: [] });
    await Promise.all([a.waitFor("to-extra"), c.waitFor("to-extra")]);
    await B().call("socketsLeave", { spec: { to: r }, rooms: [extra] });
    await until(
      async () => !(await C().call<string[]>("localRooms")).includes(extra),
      "socketsLeave",
    );
    const closed = Promise.all(
      [a, c].map((x) => new Promise((resolve) => x.socket.once("disconnect", resolve))),
    );
    await B().call("disconnectSockets", { spec: { to: r }, close: true });
    await closed;
    expect(other.socket.connected).toBe(true);
  });

  it("serverSideEmit reaches the other nodes, with and without acks", async () => {
    await A().call("serverSideEmit", { arg: "no-ack" });
    await until(
      () => B().serverSide.includes("no-ack") && C().serverSide.includes("no-ack"),
      "serverSideEmit",
    );
    expect(A().serverSide).toEqual([]);
    expect(await A().call("serverSideEmitWithAck", { arg: "x" })).toEqual(["B:x", "C:x"]);
  });

  it("a killed node is dropped from serverCount() and requests; a restarted one rejoins without restarting the others", async () => {
    await C().kill();
    await until(
      async () => (await A().call<number>("serverCount")) === 2,
      "serverCount to drop to 2",
    );
    expect(await A().call("serverSideEmitWithAck", { arg: "y" })).toEqual(["B:y"]);
    const found = await A().call<unknown[]>("fetchSockets", {});
    expect(Array.isArray(found)).toBe(true);
    nodes[2] = await new ClusterNode({ name: "C", url: redis.url, key }).start();
    await until(async () => (await A().call<number>("serverCount")) === 3, "serverCount back to 3");
    const c = await client(C());
    await A().call("emit", { ev: "welcome-back", args: [] });
    await c.waitFor("welcome-back");
    expect(await B().call("serverSideEmitWithAck", { arg: "z" })).toEqual(["A:z", "C:z"]);
  });
});
