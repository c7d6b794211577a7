// Graceful shutdown and rolling deploy (issue #15): every serving node is restarted in turn (SIGTERM → io.close())
// under steady broadcast traffic; the clients come back through the balancer to the other nodes, recover, and end
// with every tick exactly once, in order. A private Redis, so the reconnect storm's load on it can be measured.
import { afterAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { canStartPrivateRedis, startPrivateRedis, type PrivateRedis } from "../support/redis.js";
import { redisForTests } from "../support/redis.js";
import { Balancer, client, names, seq, StreamsNode, until, type Recorder } from "./helpers.js";

const shared = await redisForTests("redis-streams: rolling restart");
const ok = shared.problem === undefined && canStartPrivateRedis("redis-streams: rolling restart");
afterAll(() => shared.close());

function info(text: string, field: string): number {
  const m = new RegExp(`^${field}:(\\d+)`, "m").exec(text);
  return m === null ? Number.NaN : Number(m[1]);
}

describe.runIf(ok)("streams adapter: rolling restart under traffic", () => {
  let priv: PrivateRedis | undefined;
  const nodes: StreamsNode[] = [];
  const clients: Recorder[] = [];
  let balancer: Balancer | undefined;
  afterAll(async () => {
    for (const c of clients.splice(0)) c.socket.disconnect();
    await Promise.all(nodes.splice(0).map((n) => n.kill()));
    await balancer?.close();
    await priv?.close();
  });

  it("every client recovers with zero lost room events while each node restarts in turn", async () => {
    priv = await startPrivateRedis();
    const { stream } = names();
    const spec = (name: string) => ({ name, url: priv!.url, stream });
    const publisher = await new StreamsNode(spec("pub")).start();
    nodes.push(publisher);
    const serving: StreamsNode[] = [];
    for (let i = 0; i < 3; i++) serving.push(await new StreamsNode(spec(`s${i}`)).start());
    nodes.push(...serving);
    balancer = await new Balancer().listen();
    balancer.backends = [...serving];
    for (let i = 0; i < 9; i++) clients.push(await client(balancer.port, { rooms: ["feed"] }));
    const ids = await Promise.all(clients.map((c) => c.whoami().then((w) => w.id)));
    await publisher.call("tick-start", { room: "feed", ev: "t", every: 10 });
    const raw = createClient({ url: priv.url });
    await raw.connect();
    const before = await raw.info("stats");
    const started = Date.now();
    let recoveries = 0;
    let fresh = 0;
    for (const c of clients)
      c.socket.on("connect", () => (c.socket.recovered ? recoveries++ : fresh++));
    for (let i = 0; i < 3; i++) {
      const old = serving[i] as StreamsNode;
      const replacement = await new StreamsNode(spec(`s${i}b`)).start();
      nodes.push(replacement);
      balancer.backends = balancer.backends.filter((b) => b !== old).concat(replacement);
      const owned = await old.call<number>("count");
      const expected = recoveries + fresh + owned;
      await old.stop();
      // Those that were on the stopped node come back (the others never disconnect).
      await until(
        () => recoveries + fresh >= expected && clients.every((c) => c.socket.connected),
        "everyone reconnected",
        20_000,
      );
    }
    const elapsed = (Date.now() - started) / 1000;
    const after = await raw.info("stats");
    const memory = await raw.info("memory");
    await until(
      () => clients.every((c) => c.values("t").length > 50),
      "traffic after the last restart",
    );
    const sent = await publisher.call<number>("tick-stop", { room: "feed", ev: "t" });
    await until(
      () => clients.every((c) => c.values("t").length >= sent),
      `all ${sent} ticks everywhere`,
      20_000,
    );
    for (const c of clients) expect(c.values("t")).toEqual(seq(sent));
    expect(fresh).toBe(0);
    const now = await Promise.all(clients.map((c) => c.whoami()));
    expect(now.map((w) => w.id)).toEqual(ids);
    const commands =
      info(after, "total_commands_processed") - info(before, "total_commands_processed");
    console.info(
      `[redis-streams] rolling restart of 3 nodes, 9 clients, ${sent} ticks: ${recoveries} recoveries, ` +
        `${Math.round(commands / elapsed)} Redis commands/s over ${elapsed.toFixed(1)} s, ` +
        `peak memory ${info(memory, "used_memory_peak")} B`,
    );
    expect(recoveries).toBeGreaterThanOrEqual(9);
    await raw.close();
  }, 55_000);
});
