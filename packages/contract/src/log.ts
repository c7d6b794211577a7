// Debug logging (`DEBUG=switchboard:contract`). Browser production builds take log.browser.ts instead: no `debug`
// package in a page's bundle. The idiom (as in @switchboard/engine-client):
//   import { LOG, createDebug } from "#log";
//   const debug = /* @__PURE__ */ createDebug("switchboard:contract");
//   if (LOG) debug("…");
import createDebugModule from "debug";

export type Logger = (formatter: string, ...args: unknown[]) => void;

/** Whether this build logs; `false` in log.browser.ts, so bundlers drop the calls. */
export const LOG: boolean = true;

/** A logger for one namespace; off unless enabled through `DEBUG`. */
export function createDebug(namespace: string): Logger {
  return createDebugModule(namespace);
}
