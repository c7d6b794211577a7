// Everything a test opens is registered here and closed after it, last first, so every test process exits.
// Use `afterEach(cleanup.run)` (or `useCleanup()`, which registers it) in each file that opens things.
import { afterEach } from "vitest";
import { withTimeout } from "./wait.js";

export type CleanupTask = () => unknown;

/** How long one task may take before the run goes on (the hang then fails a strict task). */
export const CLEANUP_TASK_MS = 4000;

/**
 * A registry of closing tasks. Every task runs even if one fails or hangs. A failing *strict* task (closing a
 * server) then fails the test, so a server that cannot close is never hidden; other failures (closing what is
 * already closed) are ignored.
 */
export class Cleanup {
  #tasks: { task: CleanupTask; strict: boolean }[] = [];

  /** Registers `task` to run after the current test. */
  add(task: CleanupTask, strict = false): void {
    this.#tasks.push({ task, strict });
  }

  /** Number of tasks waiting. */
  get size(): number {
    return this.#tasks.length;
  }

  /** Runs the tasks, last registered first (an arrow property, so `afterEach(cleanup.run)` works). */
  run = async (): Promise<void> => {
    const tasks = this.#tasks.reverse();
    this.#tasks = [];
    let failure: unknown;
    for (const { task, strict } of tasks) {
      try {
        await withTimeout(Promise.resolve().then(task), CLEANUP_TASK_MS, "cleanup task");
      } catch (err) {
        if (strict && failure === undefined) failure = err;
      }
    }
    if (failure !== undefined) throw failure;
  };
}

/** The registry of the current test file (each file runs in its own worker). */
export const cleanup = new Cleanup();

/** Registers `task` with the shared registry. */
export function onCleanup(task: CleanupTask, strict = false): void {
  cleanup.add(task, strict);
}

/** Registers `afterEach(cleanup.run)` for the calling file or `describe` block. */
export function useCleanup(): void {
  afterEach(cleanup.run);
}
