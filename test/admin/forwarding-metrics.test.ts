// Forwarding on /metrics (issue #16): two Switchboard nodes on a real Redis; a request for A's session sent to B
// is relayed and counted on B, a request for a tag no node holds is refused and counted, and a node without
// forwarding shows the series at 0.
import { createServer } from "node:http";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { metrics, Registry } from "@switchboard/admin";
import { createAdapter } from "@switchboard/redis-adapter";
import { Server } from "@switchboard/server";
import { onCleanup, useCleanup } from "../support/cleanup.js";
import { closeServer, HOST, listen } from "../support/net.js";
import { redisForTests } from "../support/redis.js";

const redis = await redisForTests("forwarding metrics");
afterAll(() => redis.close());
useCleanup();

interface Node {
  io: Server;
  url: string;
  registry: Registry;
}

async function node(key: string, withRedis: boolean): Promise<Node> {
  const http = createServer();
  let adapter;
  if (withRedis) {
    const pub = createClient({ url: redis.url });
    const sub = pub.duplicate();
    pub.on("error", () => undefined);
    sub.on("error", () => undefined);
    await Promise.all([pub.connect(), sub.connect()]);
    onCleanup(async () => {
      await Promise.allSettled([pub.close(), sub.close()]);
    });
    adapter = createAdapter(pub, sub, { key });
  }
  const io = new Server(http, adapter === undefined ? {} : { adapter });
  const registry = new Registry();
  const m = metrics(io, { path: false, auth: false, registry });
  const port = await listen(http);
  onCleanup(async () => {
    m.close();
    await closeServer(io, http);
  });
  return { io, url: `http://${HOST}:${port}`, registry };
}

/** The value of an unlabelled series in the text exposition. */
function series(registry: Registry, name: string): number {
  const line = registry
    .metrics()
    .split("\n")
    .find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no series ${name}`);
  return Number(line.slice(name.length + 1));
}

async function handshake(url: string): Promise<string> {
  const body = await (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).text();
  return (JSON.parse(body.slice(1)) as { sid: string }).sid;
}

const post = (url: string, sid: string, body: string): Promise<Response> =>
  fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: "POST", body });

describe.skipIf(redis.problem !== undefined)("forwarding metrics", () => {
  it("counts requests B relays to A, and those it refuses", async () => {
    const key = `sb-fwd-metrics-${process.pid}-${Date.now()}`;
    const a = await node(key, true);
    const b = await node(key, true);
    expect(series(b.registry, "switchboard_forwarded_requests_total")).toBe(0);

    const sid = await handshake(a.url);
    expect(sid.slice(0, 6)).toBe(a.io.engine.forwarding?.tag);
    const relayed = await post(b.url, sid, "40");
    expect(relayed.status).toBe(200);
    expect(await relayed.text()).toBe("ok");
    expect(series(b.registry, "switchboard_forwarded_requests_total")).toBe(1);
    expect(series(a.registry, "switchboard_forwarded_requests_total")).toBe(0);

    // A tag no node holds: B answers 400 itself and counts the refusal.
    const refused = await post(b.url, `zzzzzz${sid.slice(6)}`, "40");
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ code: 1, message: "Session ID unknown" });
    expect(series(b.registry, "switchboard_forwarding_refused_total")).toBe(1);
    expect(series(b.registry, "switchboard_forwarded_in_flight")).toBe(0);
  });

  it("shows every series at 0 when forwarding is off", async () => {
    const solo = await node("unused", false);
    expect(solo.io.engine.forwarding).toBeNull();
    for (const name of [
      "switchboard_forwarded_requests_total",
      "switchboard_forwarding_refused_total",
      "switchboard_forwarded_in_flight",
      "switchboard_relayed_websockets",
    ]) {
      expect(series(solo.registry, name)).toBe(0);
    }
  });
});
