// Debug logging with Socket.IO's namespaces (`DEBUG=engine.io-client:*`). Bundles replace the `debug` import
// with a no-op factory so the calls compile out (see the client README).
import createDebug from "debug";

export type Logger = (formatter: string, ...args: unknown[]) => void;

/** A logger for one namespace; off unless enabled through `DEBUG`. */
export function debug(namespace: string): Logger {
  return createDebug(namespace);
}
