// Runs the whole benchmark at tiny sizes (bench/run.mjs --smoke: every scenario, every server, one round) and
// checks correctness only — every client got every broadcast, every ack came back right, counts add up, the
// JSON lines are well-formed — never speed. Needs the packages built (`npm test` builds first).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJsonLines, root, runScript } from "./run-script.js";

const SCENARIOS = [
  "broadcast",
  "broadcast-open",
  "echo",
  "echo-open",
  "idle",
  "connect",
  "rooms",
  "binary",
  "polling",
];
/** Which servers each scenario runs (raw-ws speaks the fan-out, echo, idle, handshake and long-polling paths). */
const SERVERS: Record<string, string[]> = {
  broadcast: ["switchboard", "socket.io", "raw-ws"],
  "broadcast-open": ["switchboard", "socket.io", "raw-ws"],
  echo: ["switchboard", "socket.io", "raw-ws"],
  "echo-open": ["switchboard", "socket.io", "raw-ws"],
  idle: ["switchboard", "socket.io", "raw-ws"],
  connect: ["switchboard", "socket.io", "raw-ws"],
  polling: ["switchboard", "socket.io", "raw-ws"],
};
const serversOf = (s: string) => SERVERS[s] ?? ["switchboard", "socket.io"];

interface Rec {
  run: string;
  round: number;
  profile: string;
  scenario: string;
  impl: string;
  metrics?: Record<string, number | boolean | null>;
  checks?: Record<string, unknown>;
  error?: string;
}

let dir = "";
let jsonPath = "";
let records: Rec[] = [];
let exitCode: number | null = null;
let stdout = "";
let stderr = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sb-bench-"));
  const json = join(dir, "out.jsonl");
  jsonPath = json;
  const out = await runScript("bench/run.mjs", ["--smoke", "--rounds", "1", "--json", json]);
  ({ code: exitCode, stdout, stderr } = out);
  records = readJsonLines<Rec>(json);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rec = (scenario: string, impl: string) =>
  records.find((r) => r.scenario === scenario && r.impl === impl);

describe("bench smoke run (tiny sizes, every scenario, every server)", () => {
  it("exits 0 and prints the summary table", () => {
    expect(exitCode, stderr.slice(-2000)).toBe(0);
    expect(stdout).toMatch(
      /\| scenario \| metric \| switchboard \| socket\.io \| raw-ws \| SB \/ SIO/,
    );
    expect(stdout).toMatch(/targets met: \d+, missed: \d+/);
  });

  it("writes one well-formed JSON line per scenario and server", () => {
    const expected = SCENARIOS.flatMap((s) => serversOf(s).map((i) => `${s}/${i}`)).sort();
    expect(records.map((r) => `${r.scenario}/${r.impl}`).sort()).toEqual(expected);
    for (const r of records) {
      expect(r.error, `${r.scenario}/${r.impl}`).toBeUndefined();
      expect(r).toMatchObject({ round: 1, profile: "smoke" });
      expect(typeof r.run).toBe("string");
      expect(r.checks?.ok, `${r.scenario}/${r.impl}: ${JSON.stringify(r.checks)}`).toBe(true);
      expect(r.metrics?.units, `${r.scenario}/${r.impl}`).toBeGreaterThan(0);
    }
  });

  it.each(SCENARIOS.filter((s) => s !== "idle"))(
    "%s reports CPU per unit, throughput and latency",
    (s) => {
      for (const impl of serversOf(s)) {
        const m = rec(s, impl)?.metrics ?? {};
        expect(m.cpu_us, `${s}/${impl}`).toBeGreaterThan(0);
        expect(m.user_us, `${s}/${impl}`).toBeGreaterThanOrEqual(0);
        expect(m.throughput, `${s}/${impl}`).toBeGreaterThan(0);
        expect(m.p99_ms as number, `${s}/${impl}`).toBeGreaterThanOrEqual(m.p50_ms as number);
      }
    },
  );

  it("broadcast: every one of 5 clients got each of the 3 broadcasts, in order", () => {
    for (const impl of serversOf("broadcast")) {
      expect(rec("broadcast", impl)?.checks, impl).toMatchObject({
        expected_deliveries: 15,
        deliveries: 15,
        clients_complete: 5,
        out_of_order: 0,
        malformed: 0,
      });
    }
  });

  it("broadcast-open: 5 broadcasts at the fixed rate reached all 5 clients, with p50 ≤ p99 ≤ p999", () => {
    for (const impl of serversOf("broadcast-open")) {
      const r = rec("broadcast-open", impl);
      // smoke: 50 broadcasts/s for 100 ms.
      expect(r?.checks, impl).toMatchObject({
        sent: 5,
        expected_deliveries: 25,
        deliveries: 25,
        lost: 0,
        clients_complete: 5,
        out_of_order: 0,
        malformed: 0,
      });
      expect(r?.metrics?.rate, impl).toBe(50);
      expect(r?.metrics?.p999_ms as number, impl).toBeGreaterThanOrEqual(
        r?.metrics?.p99_ms as number,
      );
    }
  });

  it("rooms: each emit reached exactly its room's members", () => {
    for (const impl of serversOf("rooms")) {
      // 6 clients in 3 rooms, 6 emits round-robin: 2 members each.
      expect(rec("rooms", impl)?.checks, impl).toMatchObject({
        joins_acked: true,
        expected_deliveries: 12,
        deliveries: 12,
        wrong_room_or_malformed: 0,
      });
    }
  });

  it("echo, binary and polling: every ack came back with the data sent", () => {
    for (const s of ["echo", "binary", "polling"]) {
      for (const impl of serversOf(s)) {
        const c = rec(s, impl)?.checks ?? {};
        expect(c.bad_replies, `${s}/${impl}`).toBe(0);
        expect(c.round_trips, `${s}/${impl}`).toBe(rec(s, impl)?.metrics?.units);
      }
    }
    for (const impl of serversOf("echo-open")) {
      const c = rec("echo-open", impl)?.checks ?? {};
      expect(c.lost, impl).toBe(0);
      expect(c.round_trips, impl).toBe(c.sent);
      const m = rec("echo-open", impl)?.metrics ?? {};
      expect(m.p999_ms as number, impl).toBeGreaterThanOrEqual(m.p99_ms as number);
    }
  });

  it("idle and connect: the server counted every socket, memory read after a forced GC", () => {
    for (const impl of serversOf("idle")) {
      expect(rec("idle", impl)?.checks, impl).toMatchObject({
        expected: 20,
        connected: 20,
        gc: true,
      });
      expect(typeof rec("idle", impl)?.metrics?.heap_b, impl).toBe("number");
    }
    for (const impl of serversOf("connect")) {
      expect(rec("connect", impl)?.checks, impl).toMatchObject({
        expected: 20,
        connected: 20,
        failed: 0,
      });
    }
  });
});

describe("bench side tools", () => {
  it("run.mjs --from summarises earlier JSON lines without measuring", () => {
    const md = join(dir, "table.md");
    const run = spawnSync(process.execPath, ["bench/run.mjs", "--from", jsonPath, "--md", md], {
      cwd: root,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const table = readFileSync(md, "utf8");
    expect(table).toMatch(/^<!-- from .*out\.jsonl/);
    for (const s of SCENARIOS) expect(table).toContain(`| ${s} (per `);
    expect(run.stderr).not.toMatch(/smoke run/); // nothing measured
  });

  it("micro.mjs runs every codec case and both codecs agree on the output", () => {
    const run = spawnSync(process.execPath, ["bench/micro.mjs", "--smoke"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const rows = run.stdout.split("\n").filter((l) => /^\| (sio|eio) /.test(l));
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row, row).toMatch(/\| [\d,]+ \| [\d,]+ \| \d+\.\d\d \| yes \|$/);
  });

  it("size.mjs prints our bundles beside socket.io-client's", () => {
    const run = spawnSync(process.execPath, ["bench/size.mjs"], { cwd: root, encoding: "utf8" });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      /\| `socket\.io\.min\.js` \| [\d,]+ B \/ [\d,]+ B gzip \| [\d,]+ B \/ [\d,]+ B gzip \| \d\.\d\d \|/,
    );
  });
});
