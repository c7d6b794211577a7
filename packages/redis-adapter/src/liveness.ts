// Heartbeats between Switchboard nodes, on top of what Redis already tells: a node whose process dies loses its
// connection and its subscriptions at once (NUMSUB drops it), but a node that hangs, or is cut off while its TCP
// connection survives, stays subscribed. Nodes that beat and then fall silent for `heartbeatTimeout` are "expired":
// requests stop waiting for them and serverCount() subtracts them while they are still subscribed.
// Official Socket.IO nodes never beat, so they are never expired (they are counted by NUMSUB as before).
import createDebug from "debug";

const debug = createDebug("socket.io-redis:liveness");

export interface LivenessOptions {
  /** ms between this node's heartbeats; 0 disables heartbeats (and expiry). Default 5000. */
  heartbeatInterval?: number;
  /** A beating node silent for this many ms is treated as gone. Default 10000. */
  heartbeatTimeout?: number;
}

export class Liveness {
  readonly #interval: number;
  readonly #timeout: number;
  readonly #beat: () => void;
  readonly #gone: (uid: string) => void;
  readonly #connected: () => boolean;
  /** Redis was unreachable at some sweep: nobody could be heard, so silence proved nothing. */
  #blind = false;
  /** uid → when last heard, for nodes known to send heartbeats. */
  readonly #beating = new Map<string, number>();
  readonly #expired = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    opts: LivenessOptions,
    beat: () => void,
    gone: (uid: string) => void,
    connected: () => boolean,
  ) {
    this.#interval = opts.heartbeatInterval ?? 5000;
    this.#timeout = opts.heartbeatTimeout ?? 10_000;
    this.#beat = beat;
    this.#gone = gone;
    this.#connected = connected;
  }

  start(): void {
    if (this.#interval <= 0 || this.#timer !== undefined) return;
    this.#beat();
    this.#timer = setInterval(() => {
      this.#beat();
      this.#sweep();
    }, this.#interval);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#beating.clear();
    this.#expired.clear();
  }

  /** Something arrived from `uid`; `beat` when it was a heartbeat (which marks the node as one that beats). */
  heard(uid: string, beat: boolean): void {
    if (!beat && !this.#beating.has(uid)) return;
    this.#beating.set(uid, Date.now());
    if (this.#expired.delete(uid)) debug("node %s is back", uid);
  }

  /** The node announced it is closing: forget it. */
  left(uid: string): void {
    this.#beating.delete(uid);
    this.#expired.delete(uid);
    this.#gone(uid);
  }

  /** Nodes heard beating within the timeout. */
  live(): string[] {
    return [...this.#beating.keys()];
  }

  /** Nodes that stopped beating and may still be subscribed. */
  expired(): string[] {
    return [...this.#expired];
  }

  /** An expired node turned out to be unsubscribed too: nothing left to subtract. */
  forget(uid: string): void {
    this.#expired.delete(uid);
  }

  #sweep(): void {
    if (!this.#connected()) {
      this.#blind = true;
      return;
    }
    if (this.#blind) {
      // Back from an outage: give every node a full timeout to be heard again before judging it.
      this.#blind = false;
      const now = Date.now();
      for (const uid of this.#beating.keys()) this.#beating.set(uid, now);
      return;
    }
    const cutoff = Date.now() - this.#timeout;
    for (const [uid, seen] of this.#beating) {
      if (seen >= cutoff) continue;
      debug("node %s missed its heartbeats", uid);
      this.#beating.delete(uid);
      this.#expired.add(uid);
      this.#gone(uid);
    }
  }
}

/**
 * serverCount() corrected for expired nodes: `total` subscribers minus the expired nodes still subscribed to their
 * own response channel (`subscribed(uid)` > 0). Expired nodes found unsubscribed are forgotten.
 */
export async function liveCount(
  total: number,
  liveness: Liveness,
  subscribed: (uid: string) => Promise<number>,
): Promise<number> {
  let count = total;
  for (const uid of liveness.expired()) {
    const n = await subscribed(uid);
    if (n > 0) count -= 1;
    else liveness.forget(uid);
  }
  return Math.max(1, count);
}
