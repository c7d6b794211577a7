// Browser production build of log.ts (the `browser` condition without `development`): `LOG` is `false`, so
// bundlers drop every `if (LOG) debug(…)` call; no `debug` package.

export type Logger = (formatter: string, ...args: unknown[]) => void;

/** Whether this build logs: never. */
export const LOG: boolean = false;

/** A logger that logs nothing (never called where `LOG` is `false`). */
export function createDebug(_namespace: string): Logger {
  return () => {};
}
