import {
  ClusterAdapterWithHeartbeat,
  type ClusterAdapterWithHeartbeatOptions,
} from "./cluster-adapter-with-heartbeat.js";
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
  #inFlight = 0;

  /** Delivers on a later microtask, counted until the handler has run (see {@link flush}). */
  deliver(handler: () => void): void {
    this.#inFlight++;
    queueMicrotask(() => {
      try {
        handler();
      } finally {
        this.#inFlight--;
      }
    });
  }

  /**
   * Resolves once every message published so far has been handled, including the messages and responses
   * that handling published in turn (work a handler chains on promises is waited for too). Tests await this
   * instead of sleeping.
   * @example
   * adapterA.broadcast(packet, { rooms: new Set(["room"]) });
   * await bus.flush(); // every node has delivered it
   */
  async flush(): Promise<void> {
    do {
      // A macrotask turn: every microtask chain (deliveries, handlers' promise work) has run by then.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (this.#inFlight > 0);
  }
}

/** A cluster adapter whose nodes talk through an `InProcessBus`. */
export class InProcessClusterAdapter extends ClusterAdapterWithHeartbeat {
  readonly #bus: InProcessBus;

  constructor(
    nsp: AdapterNamespace,
    bus: InProcessBus,
    opts: ClusterAdapterWithHeartbeatOptions = {},
  ) {
    super(nsp, { heartbeatInterval: 20, heartbeatTimeout: 500, requestsTimeout: 500, ...opts });
    this.#bus = bus;
    bus.nodes.add(this);
  }

  protected doPublish(message: ClusterMessage): Promise<string> {
    const copy = structuredClone(message);
    for (const node of this.#bus.nodes)
      if (node !== this) this.#bus.deliver(() => node.onMessage(copy));
    return Promise.resolve("");
  }

  protected doPublishResponse(uid: ServerId, response: ClusterResponse): Promise<void> {
    const copy = structuredClone(response);
    for (const node of this.#bus.nodes)
      if (node.uid === uid) this.#bus.deliver(() => node.onResponse(copy));
    return Promise.resolve();
  }

  override close(): Promise<void> | void {
    const closed = super.close();
    this.#bus.nodes.delete(this);
    return closed; // the base class's close (which may be async) is the caller's to await
  }
}
