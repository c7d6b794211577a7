// Keeping the order of one peer's events when a schema is asynchronous: while any validation of that peer is
// pending, later events (even synchronously valid ones) wait behind it. Nothing is allocated while every schema
// is synchronous.
import { isPromise, type Verdict } from "./validate.js";

interface Entry {
  data: unknown[];
  done: boolean;
  verdict: Verdict;
}

const queues = new WeakMap<object, Entry[]>();

/**
 * Calls `settle(key, data, verdict)` once `verdict` is known, in the order the calls for `key` (one peer) were made.
 *
 * @example
 * ```ts
 * inOrder(socket, data, contract.parse("clientToServer", data), (socket, data, err) => {});
 * ```
 */
export function inOrder(
  key: object,
  data: unknown[],
  verdict: Verdict | Promise<Verdict>,
  settle: (key: object, data: unknown[], verdict: Verdict) => void,
): void {
  let queue = queues.get(key);
  if (queue === undefined && !isPromise(verdict)) return settle(key, data, verdict);
  if (queue === undefined) queues.set(key, (queue = []));
  const entry: Entry = { data, done: false, verdict: undefined };
  queue.push(entry);
  const q = queue;
  const finish = (v: Verdict): void => {
    entry.done = true;
    entry.verdict = v;
    drain(key, q, settle);
  };
  if (isPromise(verdict)) verdict.then(finish, () => finish(undefined));
  else finish(verdict);
}

function drain(
  key: object,
  queue: Entry[],
  settle: (key: object, data: unknown[], verdict: Verdict) => void,
): void {
  while (queue.length > 0 && queue[0]!.done) {
    const entry = queue.shift()!;
    try {
      settle(key, entry.data, entry.verdict);
    } catch (err) {
      // A listener threw: it surfaces as it would have without the queue, and the later events still go.
      setTimeout(() => {
        throw err;
      });
    }
  }
  if (queue.length === 0 && queues.get(key) === queue) queues.delete(key);
}
