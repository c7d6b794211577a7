// Debug logging with Socket.IO's namespaces (`DEBUG=socket.io-client:*`); bundles replace `debug` with a no-op.
import createDebug from "debug";

export type Logger = (formatter: string, ...args: unknown[]) => void;

/** A logger for one namespace; off unless enabled through `DEBUG`. */
export function debug(namespace: string): Logger {
  return createDebug(namespace);
}
