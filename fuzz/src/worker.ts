// One slice of a pooled run (see pool.ts): runs its inputs and posts progress after every batch.
import { parentPort, workerData } from "node:worker_threads";
import type { WorkerJob, WorkerMessage } from "./pool.js";
import { runTarget } from "./runner.js";
import { targets } from "./targets/index.js";

const job = workerData as WorkerJob;
const target = targets[job.target];
if (target === undefined) throw new Error(`unknown target ${job.target}`);
const post = (msg: WorkerMessage): void => parentPort?.postMessage(msg);
const result = runTarget(target, {
  seed: job.seed,
  start: job.start,
  runs: job.runs,
  batch: job.batch,
  maxFailures: job.maxFailures,
  current: { array: job.current, slot: job.slot },
  onBatch: (done) => post({ type: "batch", done }),
});
post({ type: "result", result });
