// Redis client pairs for the tests, from either library, with quick reconnection and errors swallowed
// (a client that loses its server emits `error` on every retry; the tests look at behaviour, not logs).
import { Redis } from "ioredis";
import { createClient } from "redis";
import { waitUntil } from "../../../test/support/wait.js";

export type Lib = "redis" | "ioredis";

export interface ClientPair {
  pub: object;
  sub: object;
  close(): Promise<void>;
}

export async function clientPair(lib: Lib, url: string): Promise<ClientPair> {
  if (lib === "redis") {
    const pub = createClient({ url, socket: { reconnectStrategy: () => 50 } });
    const sub = pub.duplicate();
    pub.on("error", () => undefined);
    sub.on("error", () => undefined);
    await Promise.all([pub.connect(), sub.connect()]);
    return {
      pub,
      sub,
      async close() {
        await Promise.allSettled([pub.close(), sub.close()]);
      },
    };
  }
  const opts = { retryStrategy: () => 50, lazyConnect: true };
  const pub = new Redis(url, opts);
  const sub = new Redis(url, opts);
  pub.on("error", () => undefined);
  sub.on("error", () => undefined);
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    pub,
    sub,
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/** Waits until `check` holds, polling every 10 ms (the condition is an observable state, not a duration). */
export function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  return waitUntil(check, what, timeoutMs, 10);
}
