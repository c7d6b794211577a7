// Runs one target on several worker threads (each takes a contiguous slice of the input indexes) with a
// watchdog: a worker that reports no batch for `timeoutMs` is stuck on one input, which it has published in
// a shared slot; that input is reported as a hang and the worker terminated. A worker that dies is a crash.
import { Worker } from "node:worker_threads";
import type { Failure, RunResult } from "./runner.js";

export interface PoolOptions {
  seed: number;
  runs: number;
  workers: number;
  batch?: number;
  maxFailures?: number;
  /** No batch finished for this long means a hang. */
  timeoutMs: number;
  /** Called with the inputs done so far (all workers). */
  onProgress?: (done: number) => void;
}

/** What worker.ts receives. */
export interface WorkerJob {
  target: string;
  seed: number;
  start: number;
  runs: number;
  batch: number | undefined;
  maxFailures: number | undefined;
  current: Int32Array;
  slot: number;
}

export type WorkerMessage = { type: "batch"; done: number } | { type: "result"; result: RunResult };

/**
 * @example
 * const result = await runPooled("parser", { seed: 7, runs: 1_000_000, workers: 2, timeoutMs: 60_000 });
 */
export async function runPooled(target: string, opts: PoolOptions): Promise<RunResult> {
  const n = Math.max(1, Math.min(opts.workers, opts.runs));
  const per = Math.ceil(opts.runs / n);
  const current = new Int32Array(new SharedArrayBuffer(4 * n));
  const done = new Array<number>(n).fill(0);
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: n }, (_, slot) => {
      const start = slot * per;
      const job: WorkerJob = {
        target,
        seed: opts.seed,
        start,
        runs: Math.max(0, Math.min(per, opts.runs - start)),
        batch: opts.batch,
        maxFailures: opts.maxFailures,
        current,
        slot,
      };
      current[slot] = start;
      return runWorker(job, opts.timeoutMs, (d) => {
        done[slot] = d;
        opts.onProgress?.(done.reduce((a, b) => a + b, 0));
      });
    }),
  );
  const outcomes: Record<string, number> = {};
  for (const r of results)
    for (const [k, v] of Object.entries(r.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
  return {
    target,
    seed: opts.seed,
    start: 0,
    runs: results.reduce((a, r) => a + r.runs, 0),
    failures: results.flatMap((r) => r.failures).sort((a, b) => a.index - b.index),
    outcomes,
    ms: performance.now() - t0,
  };
}

function runWorker(
  job: WorkerJob,
  timeoutMs: number,
  onBatch: (done: number) => void,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: job });
    let last = Date.now();
    let doneSoFar = 0;
    let settled = false;
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      resolve(result);
    };
    const failed = (kind: Failure["kind"], message: string): void => {
      const index = Atomics.load(job.current, job.slot);
      const failure: Failure = { target: job.target, seed: job.seed, index, kind, message };
      finish({
        target: job.target,
        seed: job.seed,
        start: job.start,
        runs: doneSoFar,
        failures: [failure],
        outcomes: {},
        ms: 0,
      });
      void worker.terminate();
    };
    const watchdog = setInterval(
      () => {
        if (Date.now() - last > timeoutMs)
          failed("hang", `no progress for ${timeoutMs} ms: the decoder is stuck on this input`);
      },
      Math.min(1000, timeoutMs),
    );
    worker.on("message", (msg: WorkerMessage) => {
      last = Date.now();
      if (msg.type === "batch") {
        doneSoFar = msg.done;
        onBatch(msg.done);
      } else {
        finish(msg.result);
      }
    });
    worker.on("error", (err) =>
      failed(
        "crash",
        `worker died: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      ),
    );
    worker.on("exit", (code) => {
      if (!settled) failed("crash", `worker exited with code ${code} before finishing`);
    });
  });
}
