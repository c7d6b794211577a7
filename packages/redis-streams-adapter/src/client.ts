// One small layer over the Redis clients users bring: `redis` (node-redis v4/v5, `createClient` or `createCluster`) and
// `ioredis` (`Redis` or `Cluster`). The adapter only sends raw commands through it, so its wire logic does not care
// which library is underneath. Neither library is imported: clients are recognised by shape.
import { createHash } from "node:crypto";
import { RedisCommandError, UnsupportedClientError } from "./errors.js";

type Fn = (...args: unknown[]) => unknown;
type Dyn = Record<string, unknown>;

/** Any client object; recognised at runtime. */
export type RedisClient = object;

/** Receives a pub/sub message: its channel and raw bytes. */
export type MessageHandler = (channel: string, message: Buffer) => void;

/** A Lua script run with EVALSHA (EVAL when the server does not know it yet). */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

/** @internal */
export function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

function fn(c: object, name: string): Fn | undefined {
  const f = (c as Dyn)[name];
  return typeof f === "function" ? (f as Fn) : undefined;
}

function callMethod(c: object, name: string, ...args: unknown[]): unknown {
  const f = fn(c, name);
  if (f === undefined) throw new UnsupportedClientError();
  return f.apply(c, args);
}

/** @internal The kind of client, recognised by shape as @socket.io/redis-streams-adapter does. */
export function clientKind(c: object): "redis" | "redis-cluster" | "ioredis" | "ioredis-cluster" {
  if (fn(c, "sSubscribe") !== undefined || fn(c, "SSUBSCRIBE") !== undefined)
    return Array.isArray((c as Dyn)["masters"]) ? "redis-cluster" : "redis";
  if (fn(c, "xadd") !== undefined && fn(c, "call") !== undefined)
    return (c as Dyn)["isCluster"] === true ? "ioredis-cluster" : "ioredis";
  throw new UnsupportedClientError();
}

/**
 * @internal The commands the adapter sends, on one client (the user's, or a duplicate this package owns).
 * Replies are RESP2 shapes: strings, numbers, arrays, null.
 */
export class Commands {
  readonly kind: ReturnType<typeof clientKind>;
  readonly client: object;

  constructor(client: object) {
    this.client = client;
    this.kind = clientKind(client);
  }

  get cluster(): boolean {
    return this.kind === "redis-cluster" || this.kind === "ioredis-cluster";
  }

  /** Whether the client is connected and ready for commands. */
  ready(): boolean {
    const c = this.client as Dyn;
    if (this.kind === "redis") return c["isReady"] === true;
    if (this.kind === "redis-cluster") return c["isOpen"] === true;
    return c["status"] === "ready";
  }

  /** An ioredis client with `lazyConnect` that has not connected yet: its first command connects it. */
  notStarted(): boolean {
    return (this.client as Dyn)["status"] === "wait";
  }

  /** Send one command; `key` routes it in a cluster. */
  async send(args: (string | Buffer)[], key?: string): Promise<unknown> {
    try {
      switch (this.kind) {
        case "redis":
          return await callMethod(this.client, "sendCommand", args);
        case "redis-cluster":
          return await callMethod(this.client, "sendCommand", key, false, args);
        default:
          return await callMethod(this.client, "call", ...args);
      }
    } catch (err) {
      throw new RedisCommandError(String(args[0]), err);
    }
  }

  /** Run a Lua script; `keys[0]` routes it (all keys share one hash slot). */
  async eval(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.evalsha(s, keys, args);
    } catch (err) {
      if (!/NOSCRIPT/.test(String((err as Error).message))) throw err;
      const rest = [String(keys.length), ...keys, ...args.map(String)];
      return await this.send(["EVAL", s.source, ...rest], keys[0]);
    }
  }

  /** EVALSHA only: fails with NOSCRIPT when the server does not know the script (after a restart). */
  evalsha(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    const rest = [String(keys.length), ...keys, ...args.map(String)];
    return this.send(["EVALSHA", s.sha, ...rest], keys[0]);
  }

  /** A new connected client of the same kind and options, for blocking reads or subscriptions. */
  async duplicate(): Promise<Commands> {
    const dup = callMethod(this.client, "duplicate") as object;
    callMethod(dup, "on", "error", () => undefined);
    const needsConnect =
      this.kind === "redis" ||
      this.kind === "redis-cluster" ||
      ((this.client as { options?: { lazyConnect?: boolean } }).options?.lazyConnect ?? false);
    if (needsConnect) await callMethod(dup, "connect");
    return new Commands(dup);
  }

  /** Close a client this package created (aborting a blocked XREAD). */
  close(): void {
    const c = this.client;
    try {
      if (this.kind === "redis" || this.kind === "redis-cluster") {
        if (fn(c, "destroy") !== undefined) callMethod(c, "destroy");
        else void Promise.resolve(callMethod(c, "disconnect")).catch(() => undefined);
      } else callMethod(c, "disconnect");
    } catch {
      // already closed
    }
  }

  async publish(sharded: boolean, channel: string, payload: Buffer): Promise<void> {
    await this.send([sharded ? "SPUBLISH" : "PUBLISH", channel, payload], channel);
  }

  /** Handlers by channel (ioredis delivers every message through one client event). */
  readonly #handlers = new Map<string, MessageHandler>();
  #listening = false;

  /** Subscribe this (subscriber) client to `channels`; messages arrive as Buffers. */
  async subscribe(sharded: boolean, channels: string[], handler: MessageHandler): Promise<void> {
    if (this.kind === "redis" || this.kind === "redis-cluster") {
      const listener = (message: Buffer, channel: Buffer | string): void =>
        handler(channel.toString(), message);
      // Sharded channels may live on different shards of a cluster: one call each.
      if (sharded) {
        for (const c of channels) await this.#call("SSUBSCRIBE", "sSubscribe", c, listener, true);
      } else await this.#call("SUBSCRIBE", "subscribe", channels, listener, true);
      return;
    }
    for (const c of channels) this.#handlers.set(c, handler);
    if (!this.#listening) {
      this.#listening = true;
      const dispatch = (ch: Buffer, m: Buffer): void => {
        const name = ch.toString();
        this.#handlers.get(name)?.(name, m);
      };
      callMethod(this.client, "on", "messageBuffer", dispatch);
      callMethod(this.client, "on", "smessageBuffer", dispatch);
    }
    if (sharded) for (const c of channels) await this.#call("SSUBSCRIBE", "ssubscribe", c);
    else await this.#call("SUBSCRIBE", "subscribe", ...channels);
  }

  async #call(name: string, method: string, ...args: unknown[]): Promise<unknown> {
    try {
      return await callMethod(this.client, method, ...args);
    } catch (err) {
      throw new RedisCommandError(name, err);
    }
  }

  /** `PUBSUB NUMSUB|SHARDNUMSUB <channel>`, summed over the masters of a cluster. */
  async numsub(sharded: boolean, channel: string): Promise<number> {
    const args = ["PUBSUB", sharded ? "SHARDNUMSUB" : "NUMSUB", channel];
    const count = (reply: unknown): number => {
      const n = Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
      return Number.isFinite(n) ? n : 0;
    };
    if (this.kind === "redis-cluster") {
      const masters = (this.client as Dyn)["masters"] as object[];
      const replies = await Promise.all(
        masters.map(async (m) => {
          const node = (await callMethod(this.client, "nodeClient", m)) as object;
          return callMethod(node, "sendCommand", args);
        }),
      );
      return replies.reduce<number>((sum, r) => sum + count(r), 0);
    }
    if (this.kind === "ioredis-cluster") {
      const nodes = callMethod(this.client, "nodes", "master") as object[];
      const replies = await Promise.all(nodes.map((n) => callMethod(n, "call", ...args)));
      return replies.reduce<number>((sum, r) => sum + count(r), 0);
    }
    return count(await this.send(args));
  }
}
