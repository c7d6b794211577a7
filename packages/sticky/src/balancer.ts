// Which worker gets a request: the one holding the session named by `sid`, else one chosen by the
// load-balancing method. Pure bookkeeping (no cluster, no sockets), so it is tested on its own.

/** How new sessions (requests without a known `sid`) are spread over the workers. */
export const LoadBalancingMethods = ["least-connection", "round-robin", "random"] as const;
export type LoadBalancingMethod = (typeof LoadBalancingMethods)[number];

/**
 * Session id -> worker id, plus live-session counts per worker.
 * @example
 * const table = new Balancer("round-robin");
 * table.bind("abc", 1);
 * table.route("abc", [1, 2]); // 1
 * table.route(undefined, [1, 2]); // 1, then 2, …
 */
export class Balancer {
  readonly method: LoadBalancingMethod;
  readonly #workerOf = new Map<string, number>();
  readonly #count = new Map<number, number>();
  readonly #random: () => number;
  #next = 0;

  /** @param random source of randomness for "random" (tests pass a fixed one). */
  constructor(method: LoadBalancingMethod, random: () => number = Math.random) {
    this.method = method;
    this.#random = random;
  }

  /** Records that `workerId` created session `sid` (a re-bind moves it). */
  bind(sid: string, workerId: number): void {
    const previous = this.#workerOf.get(sid);
    if (previous === workerId) return;
    if (previous !== undefined) this.#add(previous, -1);
    this.#workerOf.set(sid, workerId);
    this.#add(workerId, 1);
  }

  /** Forgets `sid`, but only if `workerId` holds it (a late message from elsewhere changes nothing). */
  unbind(sid: string, workerId: number): void {
    if (this.#workerOf.get(sid) !== workerId) return;
    this.#workerOf.delete(sid);
    this.#add(workerId, -1);
  }

  /** Forgets every session of a worker that exited. */
  dropWorker(workerId: number): void {
    for (const [sid, w] of this.#workerOf) if (w === workerId) this.#workerOf.delete(sid);
    this.#count.delete(workerId);
  }

  /** The worker holding `sid`, if any. */
  lookup(sid: string): number | undefined {
    return this.#workerOf.get(sid);
  }

  /** Live sessions on `workerId`. */
  sessions(workerId: number): number {
    return this.#count.get(workerId) ?? 0;
  }

  /** Total sessions known. */
  get size(): number {
    return this.#workerOf.size;
  }

  /**
   * The worker for a request: the holder of `sid` (from the table, else from the worker id the sid
   * starts with) when it is among `workers`, else a pick by method. Undefined only when `workers` is empty.
   */
  route(sid: string | undefined, workers: readonly number[]): number | undefined {
    if (sid !== undefined) {
      const holder = this.#workerOf.get(sid) ?? workerOfSid(sid);
      if (holder !== undefined && workers.includes(holder)) return holder;
    }
    return this.pick(workers);
  }

  /** A worker for a new session. */
  pick(workers: readonly number[]): number | undefined {
    if (workers.length === 0) return undefined;
    switch (this.method) {
      case "random":
        return workers[Math.min(workers.length - 1, Math.floor(this.#random() * workers.length))];
      case "round-robin":
        return workers[this.#next++ % workers.length];
      case "least-connection": {
        // Ties rotate, so a burst of handshakes (whose sessions are not registered yet) still spreads.
        const least = Math.min(...workers.map((w) => this.sessions(w)));
        const tied = workers.filter((w) => this.sessions(w) === least);
        return tied[this.#next++ % tied.length];
      }
    }
  }

  #add(workerId: number, delta: number): void {
    const n = (this.#count.get(workerId) ?? 0) + delta;
    if (n <= 0) this.#count.delete(workerId);
    else this.#count.set(workerId, n);
  }
}

// Workers prefix the session ids they create with their worker id ("3.hKIseIontiy5mSIprA4e"). The table
// above learns sessions over IPC, which can lose a race against the client's next request (the
// handshake response and the IPC message leave the worker separately); the prefix cannot.
const PREFIXED = /^([1-9][0-9]{0,8})\./;

/** The prefix a worker puts in front of its session ids. */
export function sidPrefix(workerId: number): string {
  return `${workerId}.`;
}

/** The worker id a session id starts with, if it has one. */
export function workerOfSid(sid: string): number | undefined {
  const match = PREFIXED.exec(sid);
  return match ? Number(match[1]) : undefined;
}
