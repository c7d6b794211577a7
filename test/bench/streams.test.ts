// bench/streams/fanout.mjs at tiny sizes: both implementations measured in one run, every client got every event
// exactly once and in order (the script's checks), the paired ratio printed; and without a Redis it skips, saying
// so, with exit status 0 (so `npm run bench` still runs everywhere). Correctness only, never speed. Needs the
// packages built (`npm test` builds first).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { redisForTests } from "../support/redis.js";
import { freePort } from "../support/services.js";
import { readJsonLines, runScript } from "./run-script.js";

const redis = await redisForTests("bench: streams fan-out");
const dir = mkdtempSync(join(tmpdir(), "sb-bench-streams-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redis.close();
});

const run = (args: string[], env: Record<string, string>) =>
  runScript("bench/streams/fanout.mjs", args, env);

interface Rec {
  scenario: string;
  round: number;
  impl: string;
  metrics?: { cpu_ns: number; throughput: number };
  checks?: { ok: boolean; wrong: number; delivered: number; expected: number };
  error?: string;
}

describe("bench: streams fan-out", () => {
  it.runIf(redis.problem === undefined)(
    "measures both implementations in one run, checks every delivery and prints the paired ratio",
    async () => {
      const json = join(dir, "streams.jsonl");
      const out = await run(["--smoke", "--rounds", "2", "--json", json], { REDIS_URL: redis.url });
      expect(out.code, out.stderr.slice(-2000)).toBe(0);
      const records = readJsonLines<Rec>(json);
      // Two rounds, the order alternating: A B, then B A.
      expect(records.map((r) => `${r.round}/${r.impl}`)).toEqual([
        "1/switchboard",
        "1/socket.io",
        "2/socket.io",
        "2/switchboard",
      ]);
      for (const r of records) {
        expect(r.error, `${r.round}/${r.impl}`).toBeUndefined();
        expect(r.checks).toEqual({ ok: true, wrong: 0, delivered: 100, expected: 100 });
        expect(r.metrics?.cpu_ns).toBeGreaterThan(0);
      }
      expect(out.stdout).toMatch(
        /\| streams fan-out \(5 clients × 20 events\) \| CPU per delivery, receiving node \| \d+ ns \| \d+ ns \| \d+\.\d\d \|/,
      );
      expect(out.stdout).toMatch(/same round \(\d+\.\d\d, \d+\.\d\d\)/);
    },
    60_000,
  );

  it("skips with a message, and exit status 0, when the Redis does not answer", async () => {
    const port = await freePort();
    const out = await run(["--smoke"], { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("streams fan-out: skipped (REDIS_URL does not answer)");
  });
});
