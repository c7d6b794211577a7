// bench/cluster/run.mjs at tiny sizes (--smoke): with 1, 2 and 3 nodes, Switchboard on its in-process cluster
// adapter (no Redis needed) and, when a Redis is available, Switchboard and socket.io on Redis. Checks that every
// node count and implementation was measured (the script itself fails unless every client got every
// broadcast), the per-node split and the ratio to 1 node. Correctness only, never speed. Needs the packages
// built (`npm test` builds first).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { redisForTests } from "../support/redis.js";
import { readJsonLines, runScript } from "./run-script.js";

const redis = await redisForTests("bench: cluster fan-out");
const dir = mkdtempSync(join(tmpdir(), "sb-bench-cluster-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redis.close();
});

interface Row {
  impl: string;
  nodes: number;
  deliveries: number;
  ns_per_delivery: number;
  ns_per_delivery_by_node: number[] | null;
}

async function run(args: string[], env: Record<string, string> = {}) {
  const json = join(dir, `${args.join("_").replace(/[^\w]/g, "")}.jsonl`);
  const out = await runScript("bench/cluster/run.mjs", ["--smoke", "--json", json, ...args], env);
  return { ...out, rows: readJsonLines<Row>(json) };
}

describe("bench: cluster fan-out on 1, 2 and 3 nodes", () => {
  it("runs the in-process cluster adapter with 1, 2 and 3 servers in one process, no Redis", async () => {
    // An unreachable REDIS_URL proves the in-process runs never touch Redis.
    const out = await run(["--impls", "switchboard-inproc"], { REDIS_URL: "redis://127.0.0.1:1" });
    expect(out.code, out.stderr.slice(-2000)).toBe(0);
    expect(out.rows.map((r) => `${r.impl}/${r.nodes}`)).toEqual([
      "switchboard-inproc/1",
      "switchboard-inproc/2",
      "switchboard-inproc/3",
    ]);
    for (const r of out.rows) {
      expect(r.deliveries).toBe(30); // 6 clients × 5 broadcasts × 1 round
      expect(r.ns_per_delivery).toBeGreaterThan(0);
      expect(r.ns_per_delivery_by_node).toBeNull(); // one process: no per-node split
    }
    expect(out.stdout).toMatch(
      /\| Switchboard, in-process \| 1 \| \d+ ns \| one process \| 1\.00 \|/,
    );
    expect(out.stdout).toMatch(
      /\| Switchboard, in-process \| 3 \| \d+ ns \| one process \| \d\.\d\d [✓✗] \|/,
    );
  }, 60_000);

  it.runIf(redis.problem === undefined)(
    "runs Switchboard and socket.io on Redis with a per-node split",
    async () => {
      const out = await run(["--impls", "switchboard,socket.io", "--nodes", "1,3"], {
        REDIS_URL: redis.url,
      });
      expect(out.code, out.stderr.slice(-2000)).toBe(0);
      expect(out.rows.map((r) => `${r.impl}/${r.nodes}`).sort()).toEqual([
        "socket.io/1",
        "socket.io/3",
        "switchboard/1",
        "switchboard/3",
      ]);
      for (const r of out.rows) {
        expect(r.deliveries).toBe(30);
        expect(r.ns_per_delivery_by_node).toHaveLength(r.nodes);
        for (const v of r.ns_per_delivery_by_node ?? []) expect(v).toBeGreaterThan(0);
      }
      expect(out.stdout).toMatch(
        /3 node\(s\) on Redis: Switchboard CPU per delivery = \d+\.\d\d × socket\.io's/,
      );
    },
    90_000,
  );
});
