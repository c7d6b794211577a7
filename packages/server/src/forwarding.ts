// Request forwarding (issue #16, docs/scaling.md): when the main namespace's adapter can tell nodes where their peers
// are (`adapter.peerDirectory`, given by the Switchboard Redis adapters), the engine forwards each request for a
// session another node holds to that node. The server only wires the two together, on `bind()` and `adapter(v)`.
import type { Adapter, PeerDirectory } from "@switchboard/adapter";
import type { Server as Engine, ForwardingOptions } from "@switchboard/engine";
import createDebug from "debug";

const debug = createDebug("socket.io:server");

/** The `forwarding` option: `false` turns it off; `true` (default) or options turn it on when the adapter allows. */
export type ForwardingOption = boolean | ForwardingOptions;

/** The directory each engine was last given, so setting the same adapter again does not re-claim its tag. */
const wired = new WeakMap<Engine, PeerDirectory>();

/** The adapter's directory, if it has a usable one (adapters of other packages have none). */
function directoryOf(adapter: Adapter): PeerDirectory | undefined {
  const dir = (adapter as { peerDirectory?: Partial<PeerDirectory> }).peerDirectory;
  if (
    typeof dir?.claim === "function" &&
    typeof dir.lookup === "function" &&
    typeof dir.release === "function"
  )
    return dir as PeerDirectory;
  return undefined;
}

/**
 * @internal Turn forwarding on in `engine` over `adapter`'s directory, or off when the adapter has none (an adapter
 * swapped for the in-memory one). With `option === false` the engine is left as it is: forwarding was never on.
 */
export function wireForwarding(
  engine: Engine | undefined,
  adapter: Adapter,
  option: ForwardingOption | undefined,
): void {
  // An engine bound by the user may be another implementation, without forwarding.
  if (engine === undefined || typeof engine.enableForwarding !== "function") return;
  if (option === false) return;
  const dir = directoryOf(adapter);
  if (dir === undefined) {
    if (wired.delete(engine)) {
      debug("forwarding off: the adapter has no peer directory");
      engine.disableForwarding();
    }
    return;
  }
  if (wired.get(engine) === dir) return;
  wired.set(engine, dir);
  debug("forwarding on, over the adapter's peer directory");
  engine.enableForwarding(dir, option === true || option === undefined ? {} : option);
}
