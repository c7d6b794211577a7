// Issue #16, "everything else unchanged": with clients spread over 3 nodes behind the round-robin balancer (some
// polling-only, some upgraded, some WebSocket-only), rooms, broadcasts, binary payloads, volatile packets,
// broadcast acks and fetchSockets behave as on one node, whichever node each request reached.
import { afterAll, describe, expect, it } from "vitest";
import type { Socket as ClientSocket } from "socket.io-client";
import { useCleanup } from "../support/cleanup.js";
import { redisForTests } from "../support/redis.js";
import { waitFor, withTimeout } from "../support/wait.js";
import { allConnected, client, startCluster, transportOf, type AdapterKind } from "./helpers.js";

const redis = await redisForTests("forwarding: rooms");
afterAll(() => redis.close());

interface Who {
  node: string;
  id: string;
}

/** Records every event a client receives (binary arrives as Buffer or ArrayBuffer: both become Buffer). */
function recorder(socket: ClientSocket): unknown[][] {
  const events: unknown[][] = [];
  socket.onAny((ev: string, ...args: unknown[]) => {
    const last = args.at(-1);
    if (typeof last === "function") {
      args.pop();
      (last as (v: unknown) => void)(`${socket.id}:${String(args[0])}`);
    }
    const norm = args.map((a) => (a instanceof ArrayBuffer ? Buffer.from(a) : a));
    events.push([ev, ...norm]);
  });
  return events;
}

const named = (events: unknown[][], ev: string): unknown[][] => events.filter((e) => e[0] === ev);

async function roomsRun(adapter: AdapterKind): Promise<void> {
  const cluster = await startCluster({ redisUrl: redis.url, adapter });
  const transports = [["polling"], ["polling", "websocket"], ["websocket"]] as const;
  const sockets: ClientSocket[] = [];
  // 12 clients, 4 of each kind, created one after the other so round robin places their handshakes on every node.
  for (let i = 0; i < 12; i++) {
    const t = client(cluster, { transports: [...transports[i % 3]!], timeout: 10_000 });
    sockets.push(t.socket);
    await allConnected([t.socket]);
  }
  const events = sockets.map(recorder);
  const members = sockets.filter((_, i) => i % 4 !== 3); // 9 join "r", 3 stay out
  const outsiders = sockets.filter((_, i) => i % 4 === 3);
  await Promise.all(members.map((s) => s.timeout(5000).emitWithAck("join", "r")));
  const whos = await Promise.all(
    sockets.map((s) => s.timeout(5000).emitWithAck("whoami") as Promise<Who>),
  );
  expect(whos.map((w) => w.id)).toEqual(sockets.map((s) => s.id));
  // The sessions really are spread: more than one node owns some.
  expect(new Set(whos.map((w) => w.node)).size).toBeGreaterThan(1);

  // fetchSockets from one node sees every socket on every node, with its rooms.
  const seen = await cluster.nodes[1]!.call<{ id: string; rooms: string[] }[]>("fetchSockets", {
    spec: { to: "r" },
  });
  expect(seen.map((s) => s.id).sort()).toEqual(members.map((s) => s.id).sort());
  const all = await cluster.nodes[2]!.call<{ id: string }[]>("fetchSockets", {});
  expect(all.length).toBe(12);

  // A broadcast to the room asked by a client (through whichever node its request reached), with binary.
  const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
  await outsiders[0]!.timeout(5000).emitWithAck("to-room", "r", "news", "hello", bytes);
  await waitFor(
    () => events.every((e, i) => named(e, "news").length === (i % 4 !== 3 ? 1 : 0)),
    "news in the room",
  );
  for (const [i, e] of events.entries()) {
    if (i % 4 === 3) continue;
    // With recovery on (streams), a broadcast carries its offset as a last argument.
    expect(named(e, "news").map((x) => x.slice(0, 3))).toEqual([["news", "hello", bytes]]);
  }

  // Volatile: an idle WebSocket is writable, so it gets the packet; a polling client may drop it (at most once).
  // The non-volatile "mark" sent after it, in order, tells when every client has had its chance.
  await cluster.nodes[0]!.call("emit", { spec: { to: "r", volatile: true }, ev: "v", args: [1] });
  await cluster.nodes[0]!.call("emit", { spec: { to: "r" }, ev: "mark", args: [] });
  await waitFor(
    () => members.every((s) => named(events[sockets.indexOf(s)]!, "mark").length === 1),
    "mark",
  );
  for (const s of members) {
    const got = named(events[sockets.indexOf(s)]!, "v").length;
    if (transportOf(s) === "websocket") expect(got).toBe(1);
    else expect(got).toBeLessThanOrEqual(1);
  }
  for (const s of outsiders) expect(named(events[sockets.indexOf(s)]!, "v")).toEqual([]);

  // Acks from a broadcast: every member on every node answers, the outsiders are not asked.
  const answers = await withTimeout(
    cluster.nodes[2]!.call<string[]>("emitWithAck", {
      spec: { to: "r", timeout: 5000 },
      ev: "question",
      args: ["q1"],
    }),
    8000,
    "broadcast acks",
  );
  expect([...answers].sort()).toEqual(members.map((s) => `${s.id}:q1`).sort());
}

describe.runIf(redis.problem === undefined)("forwarding: rooms and broadcasts across nodes", () => {
  useCleanup();

  for (const adapter of ["classic", "sharded", "streams"] as const) {
    it(`${adapter} adapter`, async () => {
      await roomsRun(adapter);
    });
  }
});
