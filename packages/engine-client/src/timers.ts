type Timer = ReturnType<typeof setTimeout>;

// Taken when this module loads, before a fake clock or a zone library can replace the globals.
const nativeSet = setTimeout;
const nativeClear = clearTimeout;

/** The `useNativeTimers` option (engine.io-client's): whose timers a socket or Manager uses. */
export interface TimerOptions {
  useNativeTimers?: boolean | undefined;
}

/**
 * `setTimeout` for an object with these options: with `useNativeTimers`, the one the page had when the client
 * loaded; otherwise the global of the moment (replaced by a fake clock, for example).
 * @example
 * const timer = setTimer({ useNativeTimers: true }, () => console.log("tick"), 1000);
 */
export function setTimer(opts: TimerOptions, fn: () => void, ms: number): Timer {
  // Called as a plain function (no receiver), as browsers require of `setTimeout`.
  return (opts.useNativeTimers ? nativeSet : setTimeout)(fn, ms);
}

/**
 * `clearTimeout` matching {@link setTimer} for the same options.
 * @example
 * clearTimer(opts, setTimer(opts, () => {}, 1000));
 */
export function clearTimer(opts: TimerOptions, timer: Timer | undefined): void {
  (opts.useNativeTimers ? nativeClear : clearTimeout)(timer);
}
