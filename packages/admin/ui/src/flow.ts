// The slow consumers and rate-limited sockets of every node (the `flow` extra of `server_stats`, issue #18),
// merged for the two cards. Bounded: each node sends at most 50 of each, the page shows at most FLOW_ROWS.
import type { RateLimited, ServerStats, SlowConsumer } from "../../src/protocol.js";

/** Rows shown per card. */
export const FLOW_ROWS = 50;

export interface FlowView {
  /** Whether any node sends `flow` (servers older than issue #18 do not: the cards stay hidden). */
  present: boolean;
  overMark: number;
  slowConsumerDisconnects: number;
  rateLimitedEvents: number;
  /** Over the mark now (longest first), then the recently closed ones (newest first). */
  slow: (SlowConsumer & { serverId: string })[];
  /** Most recent refusal first. */
  limited: (RateLimited & { serverId: string })[];
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Merges the `flow` field of each node's last `server_stats`; malformed entries are skipped. */
export function mergeFlow(stats: Iterable<ServerStats>): FlowView {
  const view: FlowView = {
    present: false,
    overMark: 0,
    slowConsumerDisconnects: 0,
    rateLimitedEvents: 0,
    slow: [],
    limited: [],
  };
  for (const s of stats) {
    const flow = s.flow;
    if (typeof flow !== "object" || flow === null) continue;
    view.present = true;
    view.overMark += num(flow.overMark);
    view.slowConsumerDisconnects += num(flow.slowConsumerDisconnects);
    view.rateLimitedEvents += num(flow.rateLimitedEvents);
    for (const e of Array.isArray(flow.slowConsumers) ? flow.slowConsumers : [])
      if (typeof e?.id === "string")
        view.slow.push({
          ...e,
          sockets: Array.isArray(e.sockets) ? e.sockets : [],
          serverId: s.serverId,
        });
    for (const e of Array.isArray(flow.rateLimited) ? flow.rateLimited : [])
      if (typeof e?.id === "string") view.limited.push({ ...e, serverId: s.serverId });
  }
  view.slow.sort((a, b) => {
    const ac = a.closedAt !== undefined;
    const bc = b.closedAt !== undefined;
    if (ac !== bc) return ac ? 1 : -1;
    return ac ? num(b.closedAt) - num(a.closedAt) : num(a.since) - num(b.since);
  });
  view.limited.sort((a, b) => num(b.at) - num(a.at));
  view.slow.length = Math.min(view.slow.length, FLOW_ROWS);
  view.limited.length = Math.min(view.limited.length, FLOW_ROWS);
  return view;
}
