import { ClusterAdapter } from "./cluster-adapter.js";
import {
  MessageType,
  type ClusterAdapterOptions,
  type ClusterMessage,
  type ServerId,
} from "./cluster-messages.js";
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
      for (const [uid, seen] of this.#nodes) if (seen < cutoff) this.#removeNode(uid);
    }, this.#interval);
    this.#timer.unref?.();
  }

  override serverCount(): Promise<number> {
    return Promise.resolve(this.#nodes.size + 1);
  }

  protected override knownNodes(): Iterable<string> {
    return this.#nodes.keys();
  }

  /** A node is gone (timed out or closed): forget it and stop waiting for its answers. */
  #removeNode(uid: ServerId): void {
    if (this.#nodes.delete(uid)) this.requests.nodeGone(uid);
  }

  override onMessage(message: ClusterMessage): void {
    // Any message proves its sender alive (as in socket.io-adapter), not only heartbeats.
    const m = message as Partial<ClusterMessage> | null;
    const sender = m?.uid;
    if (
      typeof sender === "string" &&
      sender !== this.uid &&
      sender !== "emitter" &&
      m?.nsp === this.nsp.name &&
      m.type !== MessageType.ADAPTER_CLOSE
    ) {
      this.#nodes.set(sender, Date.now());
    }
    super.onMessage(message);
  }

  protected override onOtherMessage(message: ClusterMessage): void {
    switch (message.type) {
      case MessageType.INITIAL_HEARTBEAT:
        // Tell the newcomer we exist without waiting for our next beat.
        this.publish(MessageType.HEARTBEAT);
        return;
      case MessageType.HEARTBEAT:
        return;
      case MessageType.ADAPTER_CLOSE:
        this.#removeNode(message.uid);
        return;
      default:
        super.onOtherMessage(message);
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
