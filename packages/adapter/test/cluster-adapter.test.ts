import { afterEach, describe, expect, it } from "vitest";
import {
  adapterContract,
  FakeNamespace,
  InProcessBus,
  InProcessClusterAdapter,
} from "@switchboard/adapter/testing";
import { PacketType } from "@switchboard/parser";

class RecordingNamespace extends FakeNamespace {
  readonly serverSide: unknown[][] = [];
  onServerSideEmit(args: unknown[]): void {
    this.serverSide.push(args);
  }
}

adapterContract(
  "cluster adapter, single node",
  (nsp) => new InProcessClusterAdapter(nsp, new InProcessBus()),
  { sessionAware: true },
);

describe("cluster adapter, three nodes", () => {
  const open: InProcessClusterAdapter[] = [];
  let bus = new InProcessBus();
  /** Every message published so far (and what it caused) has been handled: no sleeping. */
  const tick = (): Promise<void> => bus.flush();
  afterEach(async () => {
    await Promise.all(open.splice(0).map((a) => a.close()));
  });

  async function cluster(): Promise<RecordingNamespace[]> {
    bus = new InProcessBus();
    const nsps = [
      new RecordingNamespace("/"),
      new RecordingNamespace("/"),
      new RecordingNamespace("/"),
    ];
    for (const nsp of nsps) {
      const adapter = new InProcessClusterAdapter(nsp, bus, {
        heartbeatInterval: 20,
        heartbeatTimeout: 200,
        requestsTimeout: 300,
      });
      nsp.adapter = adapter;
      open.push(adapter);
      adapter.init();
    }
    // Each node announces itself on init and the others answer: once the bus is idle, all know all.
    await tick();
    const counts = await Promise.all(nsps.map((n) => n.adapter.serverCount()));
    if (!counts.every((c) => c === 3))
      throw new Error(`nodes never discovered each other: ${counts}`);
    return nsps;
  }

  it("counts the nodes with heartbeats, and forgets a closed one", async () => {
    const [a, b] = await cluster();
    expect(await a?.adapter.serverCount()).toBe(3);
    await b?.adapter.close();
    await tick();
    expect(await a?.adapter.serverCount()).toBe(2);
  });

  it("broadcasts reach the matching sockets of every node, once", async () => {
    const [a, b, c] = (await cluster()) as [
      RecordingNamespace,
      RecordingNamespace,
      RecordingNamespace,
    ];
    const sa = await a.connect("sa", ["room"]);
    const sb = await b.connect("sb", ["room"]);
    const sc = await c.connect("sc");
    a.adapter.broadcast(
      { type: PacketType.EVENT, nsp: "/", data: ["hi"] },
      { rooms: new Set(["room"]), except: new Set() },
    );
    await tick();
    expect([sa.events(), sb.events(), sc.events()]).toEqual([["hi"], ["hi"], []]);
    a.adapter.broadcast(
      { type: PacketType.EVENT, nsp: "/", data: ["local"] },
      { rooms: new Set(), flags: { local: true } },
    );
    await tick();
    expect([sa.events(), sb.events(), sc.events()]).toEqual([["hi", "local"], ["hi"], []]);
  });

  it("broadcastWithAck reports every node's client count and relays remote acks", async () => {
    const [a, b, c] = (await cluster()) as [
      RecordingNamespace,
      RecordingNamespace,
      RecordingNamespace,
    ];
    await a.connect("sa");
    const sb = await b.connect("sb");
    const sc = await c.connect("sc");
    const counts: number[] = [];
    const responses: unknown[] = [];
    a.adapter.broadcastWithAck(
      { type: PacketType.EVENT, nsp: "/", data: ["q"] },
      { rooms: new Set(), flags: { timeout: 1000 } },
      (n) => counts.push(n),
      (r) => responses.push(r),
    );
    await tick();
    expect(counts.sort()).toEqual([1, 1, 1]);
    const id = sb.received[0]?.packet.id as number;
    sb.acks.get(id)?.("from b");
    sc.acks.get(sc.received[0]?.packet.id as number)?.("from c");
    await tick();
    expect(responses.sort()).toEqual(["from b", "from c"]);
  });

  it("fetchSockets merges the other nodes' sockets; bulk operations act remotely", async () => {
    const [a, b, c] = (await cluster()) as [
      RecordingNamespace,
      RecordingNamespace,
      RecordingNamespace,
    ];
    await a.connect("sa", ["room"]);
    const sb = await b.connect("sb", ["room"]);
    await c.connect("sc");
    sb.data = { n: 2 };
    const found = await a.adapter.fetchSockets({ rooms: new Set(["room"]) });
    expect(found.map((s) => s.id).sort()).toEqual(["sa", "sb"]);
    const remote = found.find((s) => s.id === "sb");
    expect(remote?.data).toEqual({ n: 2 });
    a.adapter.addSockets({ rooms: new Set(["room"]) }, ["joined"]);
    await tick();
    expect(b.adapter.rooms.get("joined")).toEqual(new Set(["sb"]));
    a.adapter.disconnectSockets({ rooms: new Set(["joined"]) }, true);
    await tick();
    expect(sb.disconnected).toBe(true);
    expect(b.sockets.size).toBe(0);
  });

  it("serverSideEmit reaches the other nodes, with acks collected", async () => {
    const [a, b, c] = (await cluster()) as [
      RecordingNamespace,
      RecordingNamespace,
      RecordingNamespace,
    ];
    a.adapter.serverSideEmit(["hello", 1]);
    await tick();
    expect(b.serverSide).toEqual([["hello", 1]]);
    expect(c.serverSide).toEqual([["hello", 1]]);
    expect(a.serverSide).toEqual([]);
    const result = new Promise<[Error | null, unknown[]]>((resolve) =>
      a.adapter.serverSideEmit([
        "ask",
        (err: Error | null, responses: unknown[]) => resolve([err, responses]),
      ]),
    );
    await tick();
    for (const nsp of [b, c]) {
      const last = nsp.serverSide[1];
      (last?.[last.length - 1] as (v: unknown) => void)(`answer`);
    }
    const [err, responses] = await result;
    expect(err).toBeNull();
    expect(responses).toEqual(["answer", "answer"]);
  });

  it("a request without enough answers times out", async () => {
    const [a] = (await cluster()) as [RecordingNamespace, RecordingNamespace, RecordingNamespace];
    const [err, responses] = await new Promise<[Error | null, unknown[]]>((resolve) =>
      a.adapter.serverSideEmit(["ask", (e: Error | null, r: unknown[]) => resolve([e, r])]),
    );
    expect(err?.message).toMatch(/timeout reached/);
    expect(responses).toEqual([]);
  });
});
