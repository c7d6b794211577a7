// Debug logging with Socket.IO's namespaces (`DEBUG=engine.io-client:*`, `DEBUG=socket.io-client:*`; the client
// logs through this module too). Browser production builds take log.browser.ts instead: no `debug` package.
// The idiom, as in every package (docs/debugging.md):
//   import { LOG, createDebug } from "#log";
//   const debug = /* @__PURE__ */ createDebug("engine.io-client:socket");
//   if (LOG) debug("socket open");
import createDebugModule from "debug";

export type Logger = (formatter: string, ...args: unknown[]) => void;

/**
 * Whether this build logs. Modules log with `if (LOG) debug(…)`, so that where it is `false` (log.browser.ts)
 * any bundler drops the calls with their message strings: a constant, unlike a no-op function, needs no bundler
 * option to be seen through.
 */
export const LOG: boolean = true;

/** A logger for one namespace; off unless enabled through `DEBUG`. */
export function createDebug(namespace: string): Logger {
  return createDebugModule(namespace);
}
