// The Redis the forwarding benchmark's nodes share, and its command counters. `INFO commandstats` counts
// every client of the server, so by default the bench starts a private `redis-server` (nobody else's traffic
// in the deltas); REDIS_URL or --redis uses a given one, and 127.0.0.1:6379 is the fallback without the binary.
import { createClient } from "redis";
import { startPrivateRedis } from "../lib/private-redis.mjs";

/**
 * The Redis to use: `explicit` (flag) or REDIS_URL as given, else a private redis-server, else 6379.
 * @param {string | undefined} explicit
 * @returns {Promise<{ url: string, kind: "given" | "private" | "local", stop: () => void }>}
 */
export async function resolveRedis(explicit) {
  const given = explicit ?? process.env.REDIS_URL;
  if (given) return { url: given, kind: "given", stop: () => {} };
  const priv = await startPrivateRedis();
  if (priv) return { ...priv, kind: "private" };
  return { url: "redis://127.0.0.1:6379", kind: "local", stop: () => {} };
}

/**
 * Reads `INFO commandstats` as `{ command: calls }` (lower-case names, `cmdstat_` dropped).
 * @example
 * const stats = await commandStats(url);
 * const before = await stats.read(); ... const delta = diffCalls(before, await stats.read());
 */
export async function commandStats(url) {
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  return {
    async read() {
      const text = await client.info("commandstats");
      const calls = {};
      for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[m[1]] = Number(m[2]);
      return calls;
    },
    close: () => client.quit().catch(() => {}),
  };
}

/** Per-command call deltas between two reads, without our own `info` calls; zero entries dropped. */
export function diffCalls(before, after) {
  const out = {};
  for (const [cmd, n] of Object.entries(after)) {
    if (cmd === "info") continue;
    const d = n - (before[cmd] ?? 0);
    if (d !== 0) out[cmd] = d;
  }
  return out;
}

/** Sum of the calls in a delta. */
export function totalCalls(delta) {
  return Object.values(delta).reduce((a, b) => a + b, 0);
}
