// The peer directory (issue #16, docs/scaling.md) over the adapters' publisher client: GET, SET PX [NX] and DEL as
// raw commands on node-redis (`createClient` / `createCluster`) or ioredis (`Redis` / `Cluster`). Every key is a
// single-key command, so a cluster routes it by itself. A client that is not ready fails fast: the engine then
// answers the protocol's error at once rather than waiting on a command queued until Redis returns.
import { createPeerDirectory, type PeerDirectory, type PeerKeyValue } from "@switchboard/adapter";
import { call, command } from "./client-util.js";
import { RedisUnavailableError } from "./errors.js";

type Dyn = Record<string, unknown>;
type Send = (args: string[], key: string) => unknown;

/** How one client sends a raw command, and whether it is connected. */
function access(client: object): { send: Send; ready: () => boolean } {
  const c = client as Dyn;
  if (typeof c["pSubscribe"] === "function") {
    // A `createCluster` client lists its masters; it routes by the key given first.
    if (Array.isArray(c["masters"]))
      return {
        send: (args, key) => call(client, "sendCommand", key, false, args),
        ready: () => c["isOpen"] === true,
      };
    return {
      send: (args) => call(client, "sendCommand", args),
      ready: () => c["isReady"] === true,
    };
  }
  // ioredis `Redis` and `Cluster` alike.
  return { send: (args) => call(client, "call", ...args), ready: () => c["status"] === "ready" };
}

/** Replies may come as Buffers (RESP3 or a buffer-mode client): the directory wants strings. */
function text(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  return Buffer.isBuffer(reply) ? reply.toString() : String(reply);
}

/** @internal The three directory commands on `client`. */
export function peerKv(client: object): PeerKeyValue {
  const { send, ready } = access(client);
  const run = (name: string, args: string[]): Promise<unknown> => {
    if (!ready()) return Promise.reject(new RedisUnavailableError("publisher"));
    return command(name, () => send(args, args[1] as string));
  };
  return {
    get: async (key) => text(await run("GET", ["GET", key])),
    set: async (key, value, { px, nx }) => {
      const args = ["SET", key, value, "PX", String(px)];
      if (nx === true) args.push("NX");
      return text(await run("SET", args)) === "OK";
    },
    del: async (key) => {
      await run("DEL", ["DEL", key]);
    },
  };
}

/** One directory per client and key prefix, shared by every namespace's adapter (and by both adapter kinds). */
const directories = new WeakMap<object, Map<string, PeerDirectory>>();

/**
 * @internal The directory the adapters expose as `peerDirectory`: keys `<key>#sb-peer#<tag>` on the publisher client.
 */
export function peerDirectoryFor(client: object, key: string): PeerDirectory {
  let byKey = directories.get(client);
  if (byKey === undefined) directories.set(client, (byKey = new Map()));
  let dir = byKey.get(key);
  if (dir === undefined) {
    dir = createPeerDirectory(peerKv(client), { prefix: `${key}#sb-peer#` });
    byKey.set(key, dir);
  }
  return dir;
}
