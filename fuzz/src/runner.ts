// The in-process fuzz loop: inputs [start, start + runs) of one target under one seed, a prototype check after
// every batch (narrowed to the guilty input when it fails), outcome statistics and failure records that carry
// everything needed to rebuild the input: target, seed and index.
import { describeError, PrototypeGuard } from "./invariants.js";
import { Rng } from "./rng.js";
import type { Target } from "./target.js";

export type FailureKind = "invariant" | "pollution" | "generator" | "hang" | "crash";

export interface Failure {
  target: string;
  seed: number;
  index: number;
  kind: FailureKind;
  message: string;
  stack?: string | undefined;
  /** The input, as `target.show()` renders it. */
  input?: string | undefined;
}

export interface RunOptions {
  seed: number;
  runs: number;
  /** First input index (workers take slices of one run). Default 0. */
  start?: number;
  /** Inputs between two prototype checks. Default 1000. */
  batch?: number;
  /** Stop after this many failures. Default 10. */
  maxFailures?: number;
  /** Called after each batch with the number of inputs done so far. */
  onBatch?: (done: number) => void;
  /** Where the index under test is published (a shared Int32Array slot), so a watchdog can name a hang. */
  current?: { array: Int32Array; slot: number };
}

export interface RunResult {
  target: string;
  seed: number;
  start: number;
  /** Inputs actually run (fewer than asked when maxFailures stopped the run). */
  runs: number;
  failures: Failure[];
  /** Outcome label -> count. */
  outcomes: Record<string, number>;
  ms: number;
}

/** The generator of input `index` of `target` under `seed`. */
export function rngFor(target: Target, seed: number, index: number): Rng {
  return Rng.for(seed, target.name, index);
}

/** Input `index` of `target` under `seed`, exactly as a run builds it. */
export function inputAt<I>(target: Target<I>, seed: number, index: number): I {
  return target.generate(rngFor(target as Target, seed, index));
}

function stackOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const cause =
    err.cause instanceof Error ? `\ncaused by: ${err.cause.stack ?? describeError(err.cause)}` : "";
  return (err.stack ?? describeError(err)) + cause;
}

function safeShow<I>(target: Target<I>, input: I): string {
  try {
    return target.show(input);
  } catch (err) {
    return `<unprintable input: ${describeError(err)}>`;
  }
}

/**
 * Runs one input; returns its outcome label, or the failure it caused. Pollution is not looked at here (see
 * runTarget): it is checked per batch.
 */
export function runOne<I>(
  target: Target<I>,
  seed: number,
  index: number,
): { outcome: string } | { failure: Failure } {
  let input: I;
  try {
    input = inputAt(target, seed, index);
  } catch (err) {
    const message = `generator threw ${describeError(err)}`;
    return {
      failure: {
        target: target.name,
        seed,
        index,
        kind: "generator",
        message,
        stack: stackOf(err),
      },
    };
  }
  try {
    return { outcome: target.check(input) };
  } catch (err) {
    return {
      failure: {
        target: target.name,
        seed,
        index,
        kind: "invariant",
        message: describeError(err),
        stack: stackOf(err),
        input: safeShow(target, input),
      },
    };
  }
}

/**
 * Runs `opts.runs` inputs of `target`. Never throws for a decoder's misbehaviour: it records a Failure.
 *
 * @example
 * const result = runTarget(targets.parser, { seed: 1, runs: 20_000 });
 * result.failures; // [] when the decoder kept every invariant
 */
export function runTarget<I>(target: Target<I>, opts: RunOptions): RunResult {
  const start = opts.start ?? 0;
  const end = start + opts.runs;
  const batch = Math.max(1, opts.batch ?? 1000);
  const maxFailures = opts.maxFailures ?? 10;
  const failures: Failure[] = [];
  const outcomes: Record<string, number> = Object.create(null) as Record<string, number>;
  const guard = new PrototypeGuard();
  const t0 = performance.now();
  let index = start;
  while (index < end && failures.length < maxFailures) {
    const batchStart = index;
    const batchEnd = Math.min(end, index + batch);
    for (; index < batchEnd && failures.length < maxFailures; index++) {
      if (opts.current !== undefined) Atomics.store(opts.current.array, opts.current.slot, index);
      const r = runOne(target, opts.seed, index);
      if ("failure" in r) failures.push(r.failure);
      else outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    }
    if (guard.check().length > 0) {
      // Some input of the batch wrote to a prototype: replay the batch one input at a time to name it.
      const seen = guard.check();
      guard.restore();
      const before = failures.length;
      for (let i = batchStart; i < index && failures.length < maxFailures; i++) {
        runOne(target, opts.seed, i);
        const changes = guard.check();
        if (changes.length === 0) continue;
        guard.restore();
        failures.push({
          target: target.name,
          seed: opts.seed,
          index: i,
          kind: "pollution",
          message: `prototype pollution: ${changes.join("; ")}`,
          input: safeShow(target, inputAt(target, opts.seed, i)),
        });
      }
      if (failures.length === before) {
        // Only the batch as a whole pollutes (inputs interacting): report it by its first index.
        const message = `prototype pollution by inputs ${batchStart}..${index - 1} together: ${seen.join("; ")}`;
        failures.push({
          target: target.name,
          seed: opts.seed,
          index: batchStart,
          kind: "pollution",
          message,
        });
      }
    }
    opts.onBatch?.(index - start);
  }
  failures.sort((a, b) => a.index - b.index);
  return {
    target: target.name,
    seed: opts.seed,
    start,
    runs: index - start,
    failures,
    outcomes,
    ms: performance.now() - t0,
  };
}

/** A failure as the CLI prints it, ending with the command that rebuilds the input. */
export function formatFailure(f: Failure, verbose = false): string {
  const lines = [`[${f.target}] ${f.kind} at seed ${f.seed} index ${f.index}: ${f.message}`];
  if (f.input !== undefined) lines.push(`  input: ${f.input}`);
  if (verbose && f.stack !== undefined) lines.push(f.stack.replace(/^/gm, "    "));
  lines.push(
    `  reproduce: npm run fuzz -- --decoders ${f.target} --seed ${f.seed} --index ${f.index}`,
  );
  return lines.join("\n");
}
