// The driver for `ioredis` clients: messages arrive as client events, dispatched by channel.
import createDebug from "debug";
import { RedisUnavailableError } from "./errors.js";
import { call, command, toNumber } from "./client-util.js";
import type { MessageHandler, PubSubDriver } from "./redis-client.js";

const debug = createDebug("socket.io-redis:client");

/**
 * ioredis delivers every message of a subscriber client through one event per kind: one shared dispatcher per client
 * (not one listener per namespace, which would trip MaxListenersExceededWarning past ten namespaces).
 */
class IoredisDispatch {
  readonly channels = new Map<string, MessageHandler>();
  readonly patterns = new Map<string, MessageHandler>();
  readonly sharded = new Map<string, MessageHandler>();
  users = 0;
  readonly onMessage = (channel: Buffer, message: Buffer): void => {
    const c = channel.toString();
    this.channels.get(c)?.(c, message);
  };
  readonly onPmessage = (pattern: Buffer, channel: Buffer, message: Buffer): void => {
    this.patterns.get(pattern.toString())?.(channel.toString(), message);
  };
  readonly onSmessage = (channel: Buffer, message: Buffer): void => {
    const c = channel.toString();
    this.sharded.get(c)?.(c, message);
  };

  static #byClient = new WeakMap<object, IoredisDispatch>();

  static acquire(sub: object): IoredisDispatch {
    let d = IoredisDispatch.#byClient.get(sub);
    if (d === undefined) {
      d = new IoredisDispatch();
      IoredisDispatch.#byClient.set(sub, d);
      call(sub, "on", "messageBuffer", d.onMessage);
      call(sub, "on", "pmessageBuffer", d.onPmessage);
      call(sub, "on", "smessageBuffer", d.onSmessage);
    }
    d.users++;
    return d;
  }

  static release(sub: object, d: IoredisDispatch): void {
    if (--d.users > 0) return;
    IoredisDispatch.#byClient.delete(sub);
    call(sub, "off", "messageBuffer", d.onMessage);
    call(sub, "off", "pmessageBuffer", d.onPmessage);
    call(sub, "off", "smessageBuffer", d.onSmessage);
    debug("ioredis listeners removed");
  }
}

/** @internal */
export class IoredisDriver implements PubSubDriver {
  readonly kind = "ioredis" as const;
  readonly #pub: object;
  readonly #sub: object;
  readonly #dispatch: IoredisDispatch;
  #closed = false;

  constructor(pub: object, sub: object) {
    this.#pub = pub;
    this.#sub = sub;
    this.#dispatch = IoredisDispatch.acquire(sub);
  }

  unavailable(): Error | undefined {
    if ((this.#pub as { status?: string }).status !== "ready")
      return new RedisUnavailableError("publisher");
    if ((this.#sub as { status?: string }).status !== "ready")
      return new RedisUnavailableError("subscriber");
    return undefined;
  }

  async publish(channel: string, payload: string | Buffer): Promise<void> {
    await command("PUBLISH", () => call(this.#pub, "publish", channel, payload));
  }
  async spublish(channel: string, payload: string | Buffer): Promise<void> {
    await command("SPUBLISH", () => call(this.#pub, "spublish", channel, payload));
  }
  async subscribe(channels: string[], handler: MessageHandler): Promise<void> {
    for (const c of channels) this.#dispatch.channels.set(c, handler);
    await command("SUBSCRIBE", () => call(this.#sub, "subscribe", ...channels));
  }
  /**
   * An unsubscription made while disconnected can be undone by ioredis' automatic resubscription on reconnect
   * (it resubscribes from its own bookkeeping, updated only when the server answers): repeat it once ready.
   */
  #again(method: string, args: string[]): void {
    call(this.#sub, "once", "ready", () => {
      Promise.resolve(call(this.#sub, method, ...args)).catch(() => undefined);
    });
  }

  /** Unsubscribe now, and again after the next reconnection if the client is (or turns out to be) disconnected. */
  async #unsub(name: string, method: string, args: string[]): Promise<void> {
    if ((this.#sub as { status?: string }).status !== "ready") this.#again(method, args);
    try {
      await command(name, () => call(this.#sub, method, ...args));
    } catch (err) {
      this.#again(method, args);
      throw err;
    }
  }

  async unsubscribe(channels: string[]): Promise<void> {
    for (const c of channels) this.#dispatch.channels.delete(c);
    await this.#unsub("UNSUBSCRIBE", "unsubscribe", channels);
  }
  async psubscribe(pattern: string, handler: MessageHandler): Promise<void> {
    this.#dispatch.patterns.set(pattern, handler);
    await command("PSUBSCRIBE", () => call(this.#sub, "psubscribe", pattern));
  }
  async punsubscribe(pattern: string): Promise<void> {
    this.#dispatch.patterns.delete(pattern);
    await this.#unsub("PUNSUBSCRIBE", "punsubscribe", [pattern]);
  }
  async ssubscribe(channels: string[], handler: MessageHandler): Promise<void> {
    for (const c of channels) this.#dispatch.sharded.set(c, handler);
    // One channel per command: in a cluster, channels of different slots live on different shards (CROSSSLOT).
    await Promise.all(
      channels.map((c) => command("SSUBSCRIBE", () => call(this.#sub, "ssubscribe", c))),
    );
  }
  async sunsubscribe(channels: string[]): Promise<void> {
    for (const c of channels) this.#dispatch.sharded.delete(c);
    await Promise.all(channels.map((c) => this.#unsub("SUNSUBSCRIBE", "sunsubscribe", [c])));
  }
  async numsub(kind: "NUMSUB" | "SHARDNUMSUB", channel: string): Promise<number> {
    return command(`PUBSUB ${kind}`, async () => {
      if ((this.#pub as { isCluster?: boolean }).isCluster !== true)
        return toNumber(await call(this.#pub, "call", "PUBSUB", kind, channel));
      // Each node counts only its own subscribers (and answers 0 for a shard channel it does not own): sum the masters.
      const masters = await clusterMasters(this.#pub);
      const counts = await Promise.all(
        masters.map(async (n) => toNumber(await call(n, "call", "PUBSUB", kind, channel))),
      );
      return counts.reduce((a, b) => a + b, 0);
    });
  }
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    IoredisDispatch.release(this.#sub, this.#dispatch);
  }
}

/**
 * The master connections of an ioredis `Cluster`. A master that restarts is dropped from the pool and only comes back
 * with the next refresh of the slot map (ioredis does none on its own by default): refresh first when a slot owner is
 * missing, or its subscribers would go uncounted.
 */
async function clusterMasters(cluster: object): Promise<object[]> {
  const key = (n: object): string => {
    const o = (n as { options?: { host?: string; port?: number } }).options;
    return `${o?.host ?? ""}:${o?.port ?? ""}`;
  };
  const owners = new Set<string>();
  for (const nodes of (cluster as { slots?: (string[] | undefined)[] }).slots ?? [])
    if (nodes?.[0] !== undefined) owners.add(nodes[0]);
  let masters = call(cluster, "nodes", "master") as object[];
  const have = new Set(masters.map(key));
  if ([...owners].some((o) => !have.has(o))) {
    await new Promise<void>((resolve) => {
      call(cluster, "refreshSlotsCache", () => resolve());
    });
    masters = call(cluster, "nodes", "master") as object[];
  }
  return masters;
}
