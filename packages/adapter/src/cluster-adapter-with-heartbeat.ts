import { ClusterAdapter } from "./cluster-adapter.js";
import { MessageType, type ClusterAdapterOptions, type ClusterMessage, type ServerId } from "./cluster-messages.js";
import type { AdapterNamespace } from "./types.js";

export interface ClusterAdapterWithHeartbeatOptions extends ClusterAdapterOptions {
  /** Milliseconds between heartbeats. Default 5000. */
  heartbeatInterval?: number;
  /** A node silent for this long is considered gone. Default 10000. */
  heartbeatTimeout?: number;
}

/**
 * A {@link ClusterAdapter} that tracks the live nodes with heartbeats, which gives `serverCount()`.
 * One unref'd interval per adapter, stopped by `close()`.
 */
export abstract class ClusterAdapterWithHeartbeat extends ClusterAdapter {
  readonly #interval: number;
  readonly #timeout: number;
  readonly #nodes = new Map<ServerId, number>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(nsp: AdapterNamespace, opts: ClusterAdapterWithHeartbeatOptions = {}) {
    super(nsp, opts);
    this.#interval = opts.heartbeatInterval ?? 5000;
    this.#timeout = opts.heartbeatTimeout ?? 10000;
  }

  override init(): void {
    this.publish(MessageType.INITIAL_HEARTBEAT);
    this.#timer = setInterval(() => {
      this.publish(MessageType.HEARTBEAT);
      const cutoff = Date.now() - this.#timeout;
      for (const [uid, seen] of this.#nodes) if (seen < cutoff) this.#nodes.delete(uid);
    }, this.#interval);
    this.#timer.unref?.();
  }

  override serverCount(): Promise<number> {
    return Promise.resolve(this.#nodes.size + 1);
  }

  protected override onOtherMessage(message: ClusterMessage): void {
    switch (message.type) {
      case MessageType.INITIAL_HEARTBEAT:
        this.#nodes.set(message.uid, Date.now());
        // Tell the newcomer we exist without waiting for our next beat.
        this.publish(MessageType.HEARTBEAT);
        return;
      case MessageType.HEARTBEAT:
        this.#nodes.set(message.uid, Date.now());
        return;
      case MessageType.ADAPTER_CLOSE:
        this.#nodes.delete(message.uid);
        return;
      default:
        return;
    }
  }

  override close(): Promise<void> | void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.publish(MessageType.ADAPTER_CLOSE);
    this.#nodes.clear();
    return super.close();
  }
}
