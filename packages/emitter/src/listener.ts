// Listener entries of the (Node) emitter: how listeners are kept per event and called; it saves memory and
// allocations on servers (emitter-base.ts keeps the table of entries). The client's browser bundle swaps in emitter-base.browser.ts, which keeps plain arrays itself.

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

/** The user's listener behind a `once()` wrapper, or `fn` itself. */
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

/** Calls the listeners of `entry` in order; `false` when there are none. */
export function dispatch(
  entry: Entry | undefined,
  self: unknown,
  args: readonly unknown[],
): boolean {
  if (entry === undefined) return false;
  if (typeof entry === "function") {
    call(entry, self, args);
  } else {
    // `entry` is never mutated (see Entry), so no copy is needed even if listeners change meanwhile.
    for (let i = 0; i < entry.length; i++) call(entry[i] as Listener, self, args);
  }
  return true;
}
