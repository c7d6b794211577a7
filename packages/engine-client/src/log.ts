// Debug logging with Socket.IO's namespaces (`DEBUG=engine.io-client:*`, `DEBUG=socket.io-client:*`; the client
// logs through this module too). Browser production builds take log.browser.ts instead: no `debug` package.
import createDebug from "debug";

export type Logger = (formatter: string, ...args: unknown[]) => void;

/**
 * Whether this build logs. Modules create their logger only when it is `true` and log with `log?.(…)`, so that
 * where it is `false` (log.browser.ts) any bundler folds the logger to `undefined` and drops the calls with their
 * message strings: a constant, unlike a no-op function, needs no bundler option to be seen through.
 */
export const LOG: boolean = true;

/** A logger for one namespace; off unless enabled through `DEBUG`. */
export function debug(namespace: string): Logger {
  return createDebug(namespace);
}
