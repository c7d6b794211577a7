// Waiting in tests: on events, never on sleeps. Every wait has a bound that fails with a message naming what
// was awaited (a bound for a hang, never a speed requirement).

/** Anything with Node/Socket.IO-style listeners: `on`/`off` (or `removeListener`), maybe `once`. */
export interface Listenable {
  // Loose on purpose: typed emitters (socket.io-client's, ours) narrow the event names and listeners.
  on(...args: any[]): unknown;
  off?(...args: any[]): unknown;
  removeListener?(...args: any[]): unknown;
}

// The bounds run on the real clock, captured before any test installs fake timers: advancing a fake clock
// must never expire a wait, and a hang under fake timers must still fail.
const { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate } = globalThis;

/** The default bound of a wait, in ms. */
export const WAIT_MS = 3000;

/** Resolves (or rejects) like `p`, or rejects after `ms` with "timed out after <ms> ms waiting for <what>". */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, expiry]).finally(() => clearTimeout(timer));
}

function unlisten(emitter: Listenable, event: string, fn: (...args: any[]) => void): void {
  if (emitter.off) emitter.off(event, fn);
  else emitter.removeListener?.(event, fn);
}

export interface OnceOptions<T extends unknown[]> {
  /** Bound in ms (default {@link WAIT_MS}); `0` waits without a bound. */
  timeout?: number;
  /** Only an emission whose arguments pass resolves the wait; others are ignored. */
  filter?: (...args: T) => boolean;
}

/**
 * The arguments of the next `event` on `emitter` (that passes `filter`), or a rejection after the bound naming
 * the event. The listener is removed either way. `options` may be the bound in ms.
 */
export function once<T extends unknown[] = any[]>(
  emitter: Listenable,
  event: string,
  options: number | OnceOptions<T> = {},
): Promise<T> {
  const { timeout = WAIT_MS, filter } =
    typeof options === "number" ? { timeout: options } : options;
  let listener!: (...args: any[]) => void;
  const p = new Promise<T>((resolve) => {
    listener = (...args: any[]) => {
      if (filter && !filter(...(args as T))) return;
      unlisten(emitter, event, listener);
      resolve(args as T);
    };
    emitter.on(event, listener);
  });
  if (timeout <= 0) return p;
  return withTimeout(p, timeout, `"${event}"`).catch((err: unknown) => {
    unlisten(emitter, event, listener);
    throw err;
  });
}

/** The first argument of each of the next `count` emissions of `event`. */
export function collect<T>(emitter: Listenable, event: string, count: number): Promise<T[]> {
  return new Promise<T[]>((resolve) => {
    const values: T[] = [];
    const fn = (v: T): void => {
      values.push(v);
      if (values.length === count) {
        unlisten(emitter, event, fn);
        resolve(values);
      }
    };
    emitter.on(event, fn);
  });
}

/** A promise that resolves after `n` calls of `tick` (at once when `n <= 0`). */
export function countdown(n: number): { done: Promise<void>; tick: () => void } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  let left = n;
  if (left <= 0) resolve();
  return {
    done,
    tick: () => {
      if (--left === 0) resolve();
    },
  };
}

export interface WaitForOptions {
  /** Bound in ms (default {@link WAIT_MS}). */
  timeout?: number;
  /**
   * Events after which the condition may have changed: `[emitter, ...events]`. With them the condition is
   * re-checked on those events (and on a slow 50 ms fallback); without them it is polled every 5 ms.
   */
  on?: readonly (readonly [Listenable, ...string[]])[];
}

/**
 * Resolves once `cond()` holds; fails with `what` after the bound. Prefer passing the events that change the
 * condition (`on`); polling is for state that no event announces. `options` may be the bound in ms.
 */
export function waitFor(
  cond: () => boolean,
  what: string,
  options: number | WaitForOptions = {},
): Promise<void> {
  const { timeout = WAIT_MS, on = [] } =
    typeof options === "number" ? { timeout: options } : options;
  if (cond()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const subscriptions: [Listenable, string][] = [];
    const finish = (err?: Error): void => {
      clearInterval(poll);
      clearTimeout(limit);
      for (const [emitter, event] of subscriptions) unlisten(emitter, event, check);
      if (err) reject(err);
      else resolve();
    };
    function check(): void {
      let ok: boolean;
      try {
        ok = cond();
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (ok) finish();
    }
    for (const [emitter, ...events] of on) {
      for (const event of events) {
        emitter.on(event, check);
        subscriptions.push([emitter, event]);
      }
    }
    const poll = setInterval(check, subscriptions.length > 0 ? 50 : 5);
    const limit = setTimeout(
      () => finish(new Error(`timed out after ${timeout} ms waiting for: ${what}`)),
      timeout,
    );
  });
}

/**
 * Resolves once the possibly asynchronous `check()` holds, asking again every `intervalMs` (for state only a
 * query can see, such as Redis keys), or after each turn of the event loop when `intervalMs` is 0; fails with
 * `what` after `timeout` ms.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeout = WAIT_MS,
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => (intervalMs > 0 ? setTimeout(r, intervalMs) : setImmediate(r)));
  }
}
