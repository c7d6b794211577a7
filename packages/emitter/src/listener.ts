// Listener storage shared by the emitters: how listeners are kept and called.

export type EventName = string | symbol;
export type Listener = (...args: never[]) => unknown;

/** A `once()` registration: the wrapper that fires once, remembering the user's listener for `off()`. */
export interface OnceWrapper {
  (this: unknown, ...args: unknown[]): void;
  listener: Listener;
}

/**
 * One listener is stored bare; two or more as an array that is never mutated once stored: `on`/`off` build
 * a new array, so `emit` iterates the array it read without copying it, and listeners added or removed by
 * a listener take effect from the next emit (the same rule as Node's EventEmitter).
 */
export type Entry = Listener | readonly Listener[];

export function unwrap(fn: Listener): Listener {
  return (fn as Partial<OnceWrapper>).listener ?? fn;
}

/** Calls `fn` without spreading for the common 0-3 arguments, so no array is allocated per call. */
export function call(fn: Listener, self: unknown, args: readonly unknown[]): void {
  const f = fn as (this: unknown, ...a: unknown[]) => unknown;
  switch (args.length) {
    case 0:
      f.call(self);
      return;
    case 1:
      f.call(self, args[0]);
      return;
    case 2:
      f.call(self, args[0], args[1]);
      return;
    case 3:
      f.call(self, args[0], args[1], args[2]);
      return;
    default:
      f.apply(self, args as unknown[]);
  }
}
