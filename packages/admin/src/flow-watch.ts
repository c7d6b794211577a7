// The admin page's view of flow control (issue #18): the connections over their backpressure high-water
// mark (and those recently closed as slow consumers), and the sockets whose events the rate limiter
// refused. Read from the engine's counters (`io.engine.flow.overMark`) and the server's rate limiter on the
// admin namespace's one-second tick, plus the stream's disconnections: nothing per packet, no method wrapped.
import { rateLimiterOf } from "./metrics/flow.js";
import {
  MAX_FLOW_ENTRIES,
  MAX_FLOW_SOCKETS,
  type FlowStats,
  type RateLimited,
  type SlowConsumer,
} from "./protocol.js";
import type { InstrumentationStream } from "./stream/index.js";
import type { AnyServer } from "./types.js";

/** How long a connection closed as a slow consumer stays listed. */
export const SLOW_CONSUMER_RETENTION_MS = 5 * 60 * 1000;

/** What the watch reads of an engine session in `overMark` (structurally: the engine's set holds objects). */
interface Session {
  readonly id: string;
  readonly bufferedAmount: number;
}

/**
 * Slow consumers and rate-limited sockets of one server, bounded ({@link MAX_FLOW_ENTRIES} each).
 * `tick()` samples the engine once a second; `snapshot()` is the `flow` field of `server_stats`.
 */
export class FlowWatch {
  readonly #io: AnyServer;
  readonly #now: () => number;
  /** Socket.IO sockets per Engine.IO session, to name a slow connection's sockets. */
  readonly #byConn = new Map<string, Map<string, string>>();
  /** Connections over the mark, by session id (first seen at `since`). */
  readonly #open = new Map<string, SlowConsumer>();
  /** Connections closed as slow consumers, oldest first. */
  readonly #closed: SlowConsumer[] = [];
  readonly #offs: (() => void)[];

  constructor(io: AnyServer, stream: InstrumentationStream, now: () => number = Date.now) {
    this.#io = io;
    this.#now = now;
    this.#offs = [
      stream.on("connection", (socket) => {
        let sockets = this.#byConn.get(socket.conn.id);
        if (sockets === undefined) this.#byConn.set(socket.conn.id, (sockets = new Map()));
        sockets.set(socket.id, socket.nsp.name);
      }),
      stream.on("disconnection", (socket, reason) => {
        const conn = socket.conn.id;
        if (reason === "slow consumer") this.#onSlowConsumer(conn, socket.conn.bufferedAmount);
        const sockets = this.#byConn.get(conn);
        sockets?.delete(socket.id);
        if (sockets?.size === 0) this.#byConn.delete(conn);
      }),
    ];
  }

  /** Samples the connections over the mark (the admin namespace's one-second tick). */
  tick(): void {
    const now = this.#now();
    const over = this.#io.engine?.flow?.overMark as ReadonlySet<object> | undefined;
    const seen = new Set<string>();
    if (over !== undefined) {
      for (const item of over) {
        const session = item as Session;
        seen.add(session.id);
        let entry = this.#open.get(session.id);
        if (entry === undefined) {
          // a burst of slow sockets is bounded too: the first ones seen stay listed
          if (this.#open.size >= MAX_FLOW_ENTRIES) continue;
          entry = { id: session.id, sockets: [], queuedBytes: 0, since: now };
          this.#open.set(session.id, entry);
        }
        entry.queuedBytes = session.bufferedAmount;
        entry.sockets = this.#socketsOf(session.id);
      }
    }
    for (const id of this.#open.keys()) if (!seen.has(id)) this.#open.delete(id);
    this.#expire(now);
  }

  /** The `flow` field of `server_stats`. */
  snapshot(): FlowStats {
    const flow = this.#io.engine?.flow;
    const limiter = rateLimiterOf(this.#io);
    let refused = 0;
    const rateLimited: RateLimited[] = [];
    if (limiter !== undefined) {
      for (const n of limiter.refused.values()) refused += n;
      const recent = [...(limiter.recent?.values() ?? [])];
      for (let i = recent.length - 1; i >= 0 && rateLimited.length < MAX_FLOW_ENTRIES; i--) {
        const r = recent[i]!;
        rateLimited.push({ id: r.id, nsp: r.nsp, event: r.event, count: r.refused, at: r.at });
      }
    }
    this.#expire(this.#now());
    const slowConsumers = [...this.#open.values()];
    for (let i = this.#closed.length - 1; i >= 0 && slowConsumers.length < MAX_FLOW_ENTRIES; i--)
      slowConsumers.push(this.#closed[i]!);
    return {
      overMark: flow?.overMark.size ?? 0,
      slowConsumerDisconnects: flow?.slowConsumers ?? 0,
      rateLimitedEvents: refused,
      slowConsumers: slowConsumers.map((e) => ({ ...e, sockets: [...e.sockets] })),
      rateLimited,
    };
  }

  close(): void {
    for (const off of this.#offs) off();
    this.#byConn.clear();
    this.#open.clear();
    this.#closed.length = 0;
  }

  // One entry per connection, however many of its sockets leave with `slow consumer`.
  #onSlowConsumer(conn: string, queuedBytes: number): void {
    const now = this.#now();
    const last = this.#closed[this.#closed.length - 1];
    if (last?.id === conn) return;
    const open = this.#open.get(conn);
    this.#open.delete(conn);
    this.#closed.push({
      id: conn,
      sockets: this.#socketsOf(conn),
      queuedBytes: open?.queuedBytes ?? queuedBytes,
      since: open?.since ?? now,
      closedAt: now,
    });
    if (this.#closed.length > MAX_FLOW_ENTRIES) this.#closed.shift();
  }

  #expire(now: number): void {
    while (this.#closed.length > 0 && now - this.#closed[0]!.closedAt! > SLOW_CONSUMER_RETENTION_MS)
      this.#closed.shift();
  }

  #socketsOf(conn: string): { nsp: string; id: string }[] {
    const out: { nsp: string; id: string }[] = [];
    for (const [id, nsp] of this.#byConn.get(conn) ?? []) {
      if (out.length >= MAX_FLOW_SOCKETS) break;
      out.push({ nsp, id });
    }
    return out;
  }
}
