// `npm run fuzz -- [options]`: seeded, reproducible fuzzing of every decoder a peer can reach, and (--wire) of
// a live server. Prints the seed first; every failure prints the command that rebuilds its input.
import { randomInt } from "node:crypto";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { describeError, PrototypeGuard } from "./invariants.js";
import { runPooled } from "./pool.js";
import { formatFailure, inputAt, runOne, runTarget, type RunResult } from "./runner.js";
import { targets } from "./targets/index.js";
import { runWireFuzz } from "./wire/fuzz.js";

const HELP = `usage: npm run fuzz -- [options]
  --decoders a,b     decoders to fuzz (default: all): ${Object.keys(targets).join(", ")}
  --runs N           inputs per decoder (default 1000000; 20k and 1e6 work too)
  --seed S           run seed, an unsigned 32-bit integer (default: random, printed)
  --index I          rebuild and run input I of --seed only, printing it in full
  --workers W        worker threads per decoder (default: available cores; 0 runs in-process)
  --max-failures F   stop a decoder after F failures (default 10)
  --timeout SEC      a worker with no progress for SEC seconds is reported as a hang (default 60)
  --wire             fuzz a live server in a child process instead (add --decoders to do both)
  --wire-runs N      mutated packets sent by --wire (default 20000, health-checked every 2000)
  --wire-session I   replay session I of --seed only (what a --wire failure names)
  --verbose          print stacks
  --list             list the decoders`;

function count(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([km]?)$/i.exec(text.trim());
  const n =
    m === null ? NaN : Number(m[1]) * ({ k: 1e3, m: 1e6 }[(m[2] as string).toLowerCase()] ?? 1);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`--${what} must be a non-negative integer, got ${text}`);
  return n;
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

function summary(r: RunResult): string {
  const total = Object.values(r.outcomes).reduce((a, b) => a + b, 0) || 1;
  const top = Object.entries(r.outcomes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8);
  const outcomes = top.map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)}%`).join(", ");
  const rate = r.runs / (r.ms / 1000);
  return (
    `${r.target.padEnd(15)} ${fmt(r.runs).padStart(11)} inputs ${(r.ms / 1000).toFixed(1).padStart(6)} s ${fmt(rate).padStart(9)}/s ` +
    `${r.failures.length} failure${r.failures.length === 1 ? "" : "s"}\n${" ".repeat(16)}outcomes: ${outcomes}`
  );
}

/** `--index`: one input, in full, its outcome or failure with stack, and whether it polluted a prototype. */
function reproduce(names: string[], seed: number, index: number): boolean {
  let ok = true;
  for (const name of names) {
    const target = targets[name]!;
    const guard = new PrototypeGuard();
    console.log(`[${name}] seed ${seed} index ${index}`);
    try {
      console.log(`  input: ${target.show(inputAt(target, seed, index))}`);
    } catch (err) {
      console.log(`  generator threw: ${describeError(err)}`);
    }
    const r = runOne(target, seed, index);
    const changes = guard.check();
    if ("failure" in r) {
      ok = false;
      console.log(formatFailure(r.failure, true));
    } else {
      console.log(`  outcome: ${r.outcome}`);
    }
    if (changes.length > 0) {
      ok = false;
      console.log(`  prototype pollution: ${changes.join("; ")}`);
    }
  }
  return ok;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      decoders: { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      index: { type: "string" },
      workers: { type: "string" },
      "max-failures": { type: "string" },
      timeout: { type: "string" },
      wire: { type: "boolean" },
      "wire-runs": { type: "string" },
      "wire-session": { type: "string" },
      verbose: { type: "boolean" },
      list: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) return (console.log(HELP), 0);
  if (values.list === true) {
    for (const t of Object.values(targets)) console.log(`${t.name.padEnd(15)} ${t.description}`);
    return 0;
  }
  const names =
    values.decoders === undefined || values.decoders === "all"
      ? Object.keys(targets)
      : values.decoders.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => targets[n] === undefined);
  if (unknown.length > 0) throw new Error(`unknown decoder ${unknown.join(", ")}; try --list`);
  const seed = values.seed === undefined ? randomInt(2 ** 32) : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new Error(`--seed must be an unsigned 32-bit integer, got ${values.seed}`);

  if (values.index !== undefined)
    return reproduce(names, seed, count(values.index, 0, "index")) ? 0 : 1;

  const runs = count(values.runs, 1_000_000, "runs");
  const workers = count(values.workers, availableParallelism(), "workers");
  const maxFailures = count(values["max-failures"], 10, "max-failures");
  const timeoutMs = count(values.timeout, 60, "timeout") * 1000;
  const decoders = values.wire !== true || values.decoders !== undefined;
  let failures = 0;

  console.log(`fuzz: seed ${seed} (rerun this exact run with --seed ${seed})`);
  if (decoders) {
    console.log(
      `fuzz: ${names.length} decoder(s) x ${fmt(runs)} inputs, ${workers === 0 ? "in-process" : `${workers} worker thread(s)`}`,
    );
    for (const name of names) {
      const result =
        workers === 0
          ? runTarget(targets[name]!, { seed, runs, maxFailures })
          : await runPooled(name, { seed, runs, workers, maxFailures, timeoutMs });
      console.log(summary(result));
      for (const f of result.failures) console.log(formatFailure(f, values.verbose === true));
      failures += result.failures.length;
    }
  }
  if (values.wire === true) {
    const packets = count(values["wire-runs"], 20_000, "wire-runs");
    const session =
      values["wire-session"] === undefined
        ? undefined
        : count(values["wire-session"], 0, "wire-session");
    console.log(
      session === undefined
        ? `fuzz: wire, ${fmt(packets)} mutated packets against a server child`
        : `fuzz: wire, replaying session ${session}`,
    );
    const t0 = performance.now();
    const code = await runWireFuzz({ seed, packets, session });
    console.log(
      `fuzz: wire ${code === 0 ? "healthy" : "FAILED"} after ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    if (code !== 0) failures++;
  }
  console.log(failures === 0 ? "fuzz: no failures" : `fuzz: ${failures} failure(s); seed ${seed}`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`fuzz: ${describeError(err)}`);
    process.exit(2);
  },
);
