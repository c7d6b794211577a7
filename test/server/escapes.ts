// Captures errors that escape to the process (`uncaughtException` / `unhandledRejection`) during a test.
// Vitest's own listeners are set aside meanwhile (and restored by cleanup) so that an escape is observed
// by the test as data instead of failing the whole run from outside.
import { cleanup } from "./helpers.js";

type Listener = (...args: unknown[]) => void;
const events = ["uncaughtException", "unhandledRejection"] as const;

export function captureEscapes(): unknown[] {
  const escaped: unknown[] = [];
  const saved = new Map<string, Listener[]>();
  const collect: Listener = (err) => escaped.push(err);
  for (const event of events) {
    saved.set(event, process.listeners(event as "uncaughtException") as Listener[]);
    process.removeAllListeners(event);
    process.on(event, collect);
  }
  cleanup.add(() => {
    for (const event of events) {
      process.off(event, collect);
      for (const listener of saved.get(event) ?? []) process.on(event, listener);
    }
  });
  return escaped;
}
