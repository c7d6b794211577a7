import createDebug from "debug";
import { namespacesOf } from "@switchboard/server";
import { Feature } from "./protocol.js";
import type { AnyServer, AnySocket } from "./types.js";

const debug = createDebug("socket.io-admin:actions");

/** Features announced in `config`: none of the actions in readonly mode. */
export function supportedFeatures(readonly: boolean, development: boolean): Feature[] {
  const features: Feature[] = readonly
    ? []
    : [
        Feature.EMIT,
        Feature.JOIN,
        Feature.LEAVE,
        Feature.DISCONNECT,
        Feature.MJOIN,
        Feature.MLEAVE,
        Feature.MDISCONNECT,
      ];
  features.push(Feature.AGGREGATED_EVENTS);
  if (development) features.push(Feature.ALL_EVENTS);
  return features;
}

function namespaceExists(io: AnyServer, name: string): boolean {
  for (const nsp of namespacesOf(io)) if (nsp.name === name) return true;
  return false;
}

const isName = (v: unknown): v is string =>
  typeof v === "string" && v.length > 0 && v.length <= 256;
const isFilter = (v: unknown): v is string | undefined | null =>
  v === undefined || v === null || isName(v);

/**
 * Register the actions an admin socket may send. In readonly mode every action is refused here, on
 * the server, whatever the page shows. Malformed arguments are ignored, never thrown.
 * Actions only reach existing namespaces: an admin cannot create namespaces by naming them.
 */
export function registerActions(
  io: AnyServer,
  socket: AnySocket,
  readonly: boolean,
  onRefused: (action: string) => void,
): void {
  const target = (nspName: unknown, filter: unknown) => {
    if (!isName(nspName) || !isFilter(filter)) return undefined;
    if (!namespaceExists(io, nspName)) return undefined;
    const nsp = io.of(nspName);
    return filter ? nsp.in(filter) : nsp;
  };
  const guard =
    <A extends unknown[]>(action: string, run: (...args: A) => void) =>
    (...args: A): void => {
      if (readonly) {
        debug("refused %s: readonly", action);
        onRefused(action);
        return;
      }
      try {
        run(...args);
      } catch (err) {
        debug("%s failed: %s", action, (err as Error).message);
      }
    };

  socket.on(
    "emit",
    guard("emit", (nsp: unknown, filter: unknown, ev: unknown, ...args: unknown[]) => {
      const t = target(nsp, filter);
      if (t === undefined || !isName(ev)) return;
      debug("emit %s to %s (filter %s)", ev, nsp, filter);
      (t.emit as (ev: string, ...a: unknown[]) => boolean)(
        ev,
        ...args.filter((a) => typeof a !== "function"),
      );
    }),
  );
  socket.on(
    "join",
    guard("join", (nsp: unknown, room: unknown, filter: unknown) => {
      const t = target(nsp, filter);
      if (t === undefined || !isName(room)) return;
      debug("join %s in %s (filter %s)", room, nsp, filter);
      t.socketsJoin(room);
    }),
  );
  socket.on(
    "leave",
    guard("leave", (nsp: unknown, room: unknown, filter: unknown) => {
      const t = target(nsp, filter);
      if (t === undefined || !isName(room)) return;
      debug("leave %s in %s (filter %s)", room, nsp, filter);
      t.socketsLeave(room);
    }),
  );
  socket.on(
    "_disconnect",
    guard("_disconnect", (nsp: unknown, close: unknown, filter: unknown) => {
      const t = target(nsp, filter);
      if (t === undefined) return;
      debug("disconnect %s (filter %s, close %s)", nsp, filter, close);
      t.disconnectSockets(close === true);
    }),
  );
}
