// The directory of peers for request forwarding (issue #16, docs/scaling.md), written once over a tiny key-value
// interface so each Redis adapter only supplies GET / SET PX [NX] / DEL on the client it already holds.
import createDebug from "debug";
import type { PeerDirectory } from "./types.js";

const debug = createDebug("socket.io-adapter:peer-directory");

/** The three commands a {@link PeerDirectory} needs from a store (Redis `GET`, `SET … PX [NX]`, `DEL`). */
export interface PeerKeyValue {
  /** The value of `key`, or null. Rejects when the store cannot answer. */
  get(key: string): Promise<string | null>;
  /** `SET key value PX px [NX]`: resolves whether the value was written (false only with `nx`). */
  set(key: string, value: string, opts: { px: number; nx?: boolean }): Promise<boolean>;
  /** `DEL key`. */
  del(key: string): Promise<void>;
}

/** Options of {@link createPeerDirectory}. */
export interface PeerDirectoryOptions {
  /** Prepended to each tag to make its key, e.g. `"socket.io#sb-peer#"`. */
  prefix: string;
  /** Lifetime of an entry that is no longer refreshed, in ms. Default 15000. */
  ttl?: number;
  /** How often a claimed entry is written again, in ms. Default 5000 (must be below `ttl`). */
  refreshInterval?: number;
}

/** Tags are the first characters of Engine.IO session ids: base64url only, so no tag can reach another key. */
const TAG = /^[A-Za-z0-9_-]{1,16}$/;
/** `http://host:port` and nothing else (no path, credentials, query): peers are only ever reached this way. */
const ADDRESS = /^http:\/\/(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253}):(\d{1,5})$/;

/** Whether `tag` may be used as a directory tag (base64url, 1 to 16 characters). */
function isPeerTag(tag: unknown): tag is string {
  return typeof tag === "string" && TAG.test(tag);
}

/** Whether `address` is a peer address: `http://host:port`, port 1–65535. */
function isPeerAddress(address: unknown): address is string {
  if (typeof address !== "string") return false;
  const m = ADDRESS.exec(address);
  if (m === null) return false;
  const port = Number(m[2]);
  return port >= 1 && port <= 65_535;
}

interface Held {
  address: string;
  timer: ReturnType<typeof setInterval> | undefined;
  /** The refresh being written, so release() can wait for it instead of letting it resurrect the entry. */
  pending: Promise<void> | undefined;
}

/**
 * A {@link PeerDirectory} over a key-value store. `claim` writes the entry only if it is free (or already ours), then
 * rewrites it every `refreshInterval` ms with a TTL of `ttl` ms: a node that dies disappears within `ttl`, and after
 * Redis loses its data (a restart) the entry is back within one refresh. Refresh failures are only logged (debug).
 *
 * @example
 * ```ts
 * import { createPeerDirectory } from "@switchboard/adapter";
 *
 * const directory = createPeerDirectory(
 *   {
 *     get: (key) => redis.get(key),
 *     set: async (key, value, { px, nx }) =>
 *       (await (nx ? redis.set(key, value, "PX", px, "NX") : redis.set(key, value, "PX", px))) === "OK",
 *     del: async (key) => void (await redis.del(key)),
 *   },
 *   { prefix: "socket.io#sb-peer#" },
 * );
 * await directory.claim("aB3_x-", "http://10.0.0.5:3000"); // true
 * await directory.lookup("aB3_x-"); // "http://10.0.0.5:3000"
 * ```
 */
export function createPeerDirectory(kv: PeerKeyValue, opts: PeerDirectoryOptions): PeerDirectory {
  const ttl = opts.ttl ?? 15_000;
  const refreshInterval = opts.refreshInterval ?? 5000;
  if (!(refreshInterval > 0 && ttl > refreshInterval))
    throw new RangeError(
      `peer directory: refreshInterval (${refreshInterval}) must be in ]0, ttl (${ttl})[`,
    );
  const held = new Map<string, Held>();
  const keyOf = (tag: string): string => opts.prefix + tag;

  const refresh = (tag: string, entry: Held): void => {
    if (entry.pending !== undefined) return; // the previous write has not answered yet (store slow or down)
    entry.pending = kv
      .set(keyOf(tag), entry.address, { px: ttl })
      .then(
        () => undefined,
        (err: unknown) => debug("refreshing %s failed: %s", tag, (err as Error).message),
      )
      .finally(() => {
        entry.pending = undefined;
      });
  };

  const stop = (tag: string): Held | undefined => {
    const entry = held.get(tag);
    if (entry === undefined) return undefined;
    held.delete(tag);
    clearInterval(entry.timer);
    return entry;
  };

  return {
    async claim(tag, address) {
      if (!isPeerTag(tag))
        throw new TypeError(`peer directory: invalid tag ${JSON.stringify(tag)}`);
      if (!isPeerAddress(address))
        throw new TypeError(`peer directory: invalid address ${JSON.stringify(address)}`);
      const key = keyOf(tag);
      // NX: two nodes that picked the same tag must not both believe they own it.
      if (!(await kv.set(key, address, { px: ttl, nx: true }))) {
        const current = await kv.get(key);
        // Our own entry (a claim repeated, or a restart within the TTL) is still ours.
        if (current !== address) {
          debug("tag %s is held by another node", tag);
          return false;
        }
        await kv.set(key, address, { px: ttl });
      }
      stop(tag);
      const entry: Held = { address, timer: undefined, pending: undefined };
      entry.timer = setInterval(() => refresh(tag, entry), refreshInterval);
      // The refresh must never keep a process alive on its own.
      entry.timer.unref?.();
      held.set(tag, entry);
      debug("claimed %s for %s", tag, address);
      return true;
    },

    async lookup(tag) {
      if (!isPeerTag(tag)) return null;
      const address = await kv.get(keyOf(tag));
      if (address === null) return null;
      if (!isPeerAddress(address)) {
        debug("ignoring the entry of %s: not an http://host:port address", tag);
        return null;
      }
      return address;
    },

    async release(tag) {
      // Only what this directory claimed: a tag held by another node is not ours to delete.
      const entry = stop(tag);
      if (entry === undefined) return;
      if (entry.pending !== undefined) await entry.pending;
      await kv.del(keyOf(tag));
      debug("released %s", tag);
    },
  };
}
