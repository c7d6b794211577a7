// Small helpers shared by the two client drivers.
import { RedisCommandError } from "./errors.js";

type Fn = (...args: unknown[]) => unknown;
type Dyn = Record<string, Fn | unknown>;

/** Call a method of a client object by name (the clients are not typed here). */
export function call(client: object, method: string, ...args: unknown[]): unknown {
  return ((client as Dyn)[method] as Fn).apply(client, args);
}

/** The count of a one-channel `PUBSUB NUMSUB` reply. */
export function toNumber(reply: unknown): number {
  // [channel, count] for one channel (RESP2 and RESP3 alike).
  const n = Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

/** Run a command, turning a failure into a RedisCommandError. */
export async function command<T>(name: string, run: () => unknown): Promise<T> {
  try {
    return (await run()) as T;
  } catch (err) {
    throw new RedisCommandError(name, err);
  }
}
