// The driver for `redis` (node-redis v4/v5) clients, `createClient` or `createCluster`: listeners are passed per
// subscription, in buffer mode.
import { RedisUnavailableError } from "./errors.js";
import { call, command, toNumber } from "./client-util.js";
import type { MessageHandler, PubSubDriver } from "./redis-client.js";

/** @internal */
export class NodeRedisDriver implements PubSubDriver {
  readonly kind = "redis" as const;
  readonly #pub: object;
  readonly #sub: object;
  /** node-redis wants the same listener function back to unsubscribe it. */
  readonly #listeners = new Map<
    MessageHandler,
    (message: Buffer, channel: Buffer | string) => void
  >();

  constructor(pub: object, sub: object) {
    this.#pub = pub;
    this.#sub = sub;
  }

  unavailable(): Error | undefined {
    if (!ready(this.#pub)) return new RedisUnavailableError("publisher");
    if (!ready(this.#sub)) return new RedisUnavailableError("subscriber");
    return undefined;
  }

  #listener(handler: MessageHandler): (message: Buffer, channel: Buffer | string) => void {
    let l = this.#listeners.get(handler);
    if (l === undefined) {
      l = (message, channel) => handler(channel.toString(), message);
      this.#listeners.set(handler, l);
    }
    return l;
  }

  async publish(channel: string, payload: string | Buffer): Promise<void> {
    await command("PUBLISH", () => call(this.#pub, "publish", channel, payload));
  }
  async spublish(channel: string, payload: string | Buffer): Promise<void> {
    await command("SPUBLISH", () => call(this.#pub, "sPublish", channel, payload));
  }
  async subscribe(channels: string[], handler: MessageHandler): Promise<void> {
    await command("SUBSCRIBE", () =>
      call(this.#sub, "subscribe", channels, this.#listener(handler), true),
    );
  }
  /**
   * An unsubscription made while disconnected may be undone by the automatic resubscription on reconnect (seen in
   * tests, depending on timing): repeat it once the subscriber is ready again.
   */
  #again(method: string, channel: string, listener: unknown): void {
    // A cluster client has no "ready" event of its own: its node clients resubscribe by themselves.
    if (isCluster(this.#sub)) return;
    call(this.#sub, "once", "ready", () => {
      Promise.resolve(call(this.#sub, method, channel, listener, true)).catch(() => undefined);
    });
  }

  /** Unsubscribe now, and again after the next reconnection if the client is (or turns out to be) disconnected. */
  async #unsub(name: string, method: string, channel: string, listener: unknown): Promise<void> {
    if (!ready(this.#sub)) this.#again(method, channel, listener);
    try {
      await command(name, () => call(this.#sub, method, channel, listener, true));
    } catch (err) {
      this.#again(method, channel, listener);
      throw err;
    }
  }

  async unsubscribe(channels: string[], handler: MessageHandler): Promise<void> {
    const l = this.#listener(handler);
    // One at a time: node-redis v4 mishandles several channels in one UNSUBSCRIBE (node-redis#2052).
    await Promise.all(channels.map((c) => this.#unsub("UNSUBSCRIBE", "unsubscribe", c, l)));
  }
  async psubscribe(pattern: string, handler: MessageHandler): Promise<void> {
    await command("PSUBSCRIBE", () =>
      call(this.#sub, "pSubscribe", pattern, this.#listener(handler), true),
    );
  }
  async punsubscribe(pattern: string, handler: MessageHandler): Promise<void> {
    await this.#unsub("PUNSUBSCRIBE", "pUnsubscribe", pattern, this.#listener(handler));
  }
  async ssubscribe(channels: string[], handler: MessageHandler): Promise<void> {
    const l = this.#listener(handler);
    // One channel per command: in a cluster, channels of different slots live on different shards (CROSSSLOT).
    await Promise.all(
      channels.map((c) => command("SSUBSCRIBE", () => call(this.#sub, "sSubscribe", c, l, true))),
    );
  }
  async sunsubscribe(channels: string[], handler: MessageHandler): Promise<void> {
    const l = this.#listener(handler);
    await Promise.all(channels.map((c) => this.#unsub("SUNSUBSCRIBE", "sUnsubscribe", c, l)));
  }
  async numsub(kind: "NUMSUB" | "SHARDNUMSUB", channel: string): Promise<number> {
    const args = ["PUBSUB", kind, channel];
    return command(`PUBSUB ${kind}`, async () => {
      if (!isCluster(this.#pub)) return toNumber(await call(this.#pub, "sendCommand", args));
      // Each node counts only its own subscribers (and answers 0 for a shard channel it does not own): sum the masters.
      const masters = (this.#pub as { masters: object[] }).masters;
      const counts = await Promise.all(
        masters.map(async (m) => {
          const node = (await call(this.#pub, "nodeClient", m)) as object;
          return toNumber(await call(node, "sendCommand", args));
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    });
  }
  close(): void {
    // The listener map stays: late unsubscriptions (see #again) need the very same functions.
  }
}

/** A `createCluster` client (it lists its masters); `createClient` clients do not. */
function isCluster(client: object): boolean {
  return Array.isArray((client as { masters?: unknown }).masters);
}

/** node-redis clients say `isReady`; cluster clients only `isOpen` (their node clients reconnect on their own). */
function ready(client: object): boolean {
  const c = client as { isReady?: boolean; isOpen?: boolean };
  return isCluster(client) ? c.isOpen === true : c.isReady === true;
}
