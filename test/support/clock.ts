// Fake timers for behaviour that depends on time (heartbeats, backoff, ack timeouts) over real sockets: the
// timers and clocks are faked, I/O is not (setImmediate, process.nextTick and microtasks stay real), so
// packets still flow while the test decides when a deadline passes. The kit's own wait bounds (wait.ts) keep
// the real clock.
import { vi } from "vitest";

/** What {@link useFakeClock} fakes: timers, `Date` and `performance.now()`. */
export const FAKED_TIMERS = [
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "Date",
  "performance",
] as const;

/** Installs the fake clock (call before starting the servers and clients whose timers should be fake). */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: [...FAKED_TIMERS] });
}

/** Moves the fake clock `ms` forward, running the timers due, with the promise jobs they start. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/** Back to real timers (afterEach). */
export function useRealClock(): void {
  vi.useRealTimers();
}
