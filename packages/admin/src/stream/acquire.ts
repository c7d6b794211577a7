import type { AnyServer } from "../types.js";
import { InstrumentationStream } from "./stream.js";

const streams = new WeakMap<AnyServer, { stream: InstrumentationStream; refs: number }>();

/**
 * Get the instrumentation stream of a server, subscribing on first use. Call the returned `release`
 * when done: the last release unsubscribes from every channel.
 *
 * @example
 * ```ts
 * const { stream, release } = acquireStream(io);
 * stream.on("broadcast", (nsp, fanOut) => console.log(nsp, fanOut));
 * // later
 * release();
 * ```
 */
export function acquireStream(io: AnyServer): {
  stream: InstrumentationStream;
  release: () => void;
} {
  let entry = streams.get(io);
  if (entry === undefined) {
    entry = { stream: new InstrumentationStream(io), refs: 0 };
    streams.set(io, entry);
  }
  entry.refs++;
  const e = entry;
  let released = false;
  return {
    stream: e.stream,
    release: () => {
      if (released) return;
      released = true;
      if (--e.refs === 0) {
        streams.delete(io);
        e.stream.close();
      }
    },
  };
}
