/* eslint-disable @typescript-eslint/no-explicit-any -- listeners take any arguments */
import { reportError } from "./report.js";
type Listener = (...args: any[]) => unknown;

interface Guarded {
  (this: unknown): unknown;
  original: Listener;
}

/** One wrapper per user listener, shared by every event and emitter it is registered on. */
const wrappers = new WeakMap<Listener, Guarded>();

/**
 * Wrap a user listener so that the promise an `async` listener returns cannot reject unhandled:
 * the rejection is reported through the emitter's `_onerror` (sockets) or `console.error`.
 * Synchronous exceptions are left to the caller of `emit`, which catches them.
 * @internal
 */
export function guard<T>(listener: T): T {
  if (typeof listener !== "function") return listener;
  const fn = listener as unknown as Listener;
  let wrapper = wrappers.get(fn);
  if (wrapper === undefined) {
    wrapper = function (this: unknown): unknown {
      // `arguments` straight into apply: V8 passes it through without building an array.
      // eslint-disable-next-line prefer-rest-params
      const result = fn.apply(this, arguments as unknown as unknown[]);
      if (
        typeof result === "object" &&
        result !== null &&
        typeof (result as { then?: unknown }).then === "function"
      ) {
        (result as PromiseLike<unknown>).then(undefined, (err: unknown) => report(this, err));
      }
      return result;
    } as Guarded;
    wrapper.original = fn;
    wrappers.set(fn, wrapper);
  }
  return wrapper as unknown as T;
}

const AsyncFunction = (async () => {}).constructor;

/**
 * {@link guard} for per-socket listeners: only `async` functions are wrapped. A wrapper costs about
 * 180 bytes per listener, and per-socket listeners are usually closures created per socket, so
 * wrapping every one of them would dominate the memory of an idle socket. A plain function that
 * returns a promise is left as `socket.io` leaves it.
 * @internal
 */
export function guardAsync<T>(listener: T): T {
  return listener instanceof AsyncFunction ? guard(listener) : listener;
}

/** The user's listener behind a wrapper. @internal */
export function unguard<T>(listener: T): T {
  return ((listener as unknown as Partial<Guarded>).original ?? listener) as T;
}

function report(self: unknown, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  const target = self as { _onerror?: (e: Error) => void } | null;
  if (target !== null && typeof target._onerror === "function") target._onerror(error);
  else reportError(error);
}
