/**
 * Cumulative traffic of one transport since the stream started. Packets and bytes are counted as
 * `@socket.io/admin-ui` counts them: packets that carry data, and the bytes of that data alone (a text
 * packet's UTF-8 bytes after its type character, a binary message's own bytes); pings, pongs and the
 * handshake's open packet are not counted. Events are Socket.IO EVENT / BINARY_EVENT packets (one per
 * recipient when sent).
 */
export interface TrafficCounters {
  packetsIn: number;
  bytesIn: number;
  eventsIn: number;
  packetsOut: number;
  bytesOut: number;
  eventsOut: number;
}

/** Zeroed counters. */
export const newCounters = (): TrafficCounters => ({
  packetsIn: 0,
  bytesIn: 0,
  eventsIn: 0,
  packetsOut: 0,
  bytesOut: 0,
  eventsOut: 0,
});

/** The sum of several counters. */
export function sumCounters(all: Iterable<TrafficCounters>): TrafficCounters {
  const sum = newCounters();
  for (const c of all) {
    sum.packetsIn += c.packetsIn;
    sum.bytesIn += c.bytesIn;
    sum.eventsIn += c.eventsIn;
    sum.packetsOut += c.packetsOut;
    sum.bytesOut += c.bytesOut;
    sum.eventsOut += c.eventsOut;
  }
  return sum;
}
