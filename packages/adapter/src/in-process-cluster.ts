import { ClusterAdapterWithHeartbeat, type ClusterAdapterWithHeartbeatOptions } from "./cluster-adapter-with-heartbeat.js";
import type { ClusterMessage, ClusterResponse, ServerId } from "./cluster-messages.js";
import type { AdapterNamespace } from "./types.js";

/**
 * An in-process message bus standing in for Redis in tests: delivery is asynchronous and every
 * message is copied, as it would be after a trip through a real broker.
 * @example
 * const bus = new InProcessBus();
 * const one = new Server(httpA, { adapter: (nsp) => new InProcessClusterAdapter(nsp, bus) });
 * const two = new Server(httpB, { adapter: (nsp) => new InProcessClusterAdapter(nsp, bus) });
 */
export class InProcessBus {
  readonly nodes = new Set<InProcessClusterAdapter>();
}

/** A cluster adapter whose nodes talk through an `InProcessBus`. */
export class InProcessClusterAdapter extends ClusterAdapterWithHeartbeat {
  readonly #bus: InProcessBus;

  constructor(nsp: AdapterNamespace, bus: InProcessBus, opts: ClusterAdapterWithHeartbeatOptions = {}) {
    super(nsp, { heartbeatInterval: 20, heartbeatTimeout: 500, requestsTimeout: 500, ...opts });
    this.#bus = bus;
    bus.nodes.add(this);
  }

  protected doPublish(message: ClusterMessage): Promise<string> {
    const copy = structuredClone(message);
    for (const node of this.#bus.nodes) if (node !== this) queueMicrotask(() => node.onMessage(copy));
    return Promise.resolve("");
  }

  protected doPublishResponse(uid: ServerId, response: ClusterResponse): Promise<void> {
    const copy = structuredClone(response);
    for (const node of this.#bus.nodes) if (node.uid === uid) queueMicrotask(() => node.onResponse(copy));
    return Promise.resolve();
  }

  override close(): void {
    super.close();
    this.#bus.nodes.delete(this);
  }
}
