// The driver for `redis` (node-redis v4/v5) clients: listeners are passed per subscription, in buffer mode.
import { RedisUnavailableError } from "./errors.js";
import { call, command, toNumber } from "./client-util.js";
import type { MessageHandler, PubSubDriver } from "./redis-client.js";

/** @internal */
export class NodeRedisDriver implements PubSubDriver {
  readonly kind = "redis" as const;
  readonly #pub: object;
  readonly #sub: object;
  /** node-redis wants the same listener function back to unsubscribe it. */
  readonly #listeners = new Map<MessageHandler, (message: Buffer, channel: Buffer | string) => void>();

  constructor(pub: object, sub: object) {
    this.#pub = pub;
    this.#sub = sub;
  }

  unavailable(): Error | undefined {
    if ((this.#pub as { isReady?: boolean }).isReady !== true) return new RedisUnavailableError("publisher");
    if ((this.#sub as { isReady?: boolean }).isReady !== true) return new RedisUnavailableError("subscriber");
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
    await command("SUBSCRIBE", () => call(this.#sub, "subscribe", channels, this.#listener(handler), true));
  }
  /**
   * An unsubscription made while disconnected may be undone by the automatic resubscription on reconnect (seen in
   * tests, depending on timing): repeat it once the subscriber is ready again.
   */
  #again(method: string, channel: string, listener: unknown): void {
    call(this.#sub, "once", "ready", () => {
      Promise.resolve(call(this.#sub, method, channel, listener, true)).catch(() => undefined);
    });
  }

  /** Unsubscribe now, and again after the next reconnection if the client is (or turns out to be) disconnected. */
  async #unsub(name: string, method: string, channel: string, listener: unknown): Promise<void> {
    if ((this.#sub as { isReady?: boolean }).isReady !== true) this.#again(method, channel, listener);
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
    await command("PSUBSCRIBE", () => call(this.#sub, "pSubscribe", pattern, this.#listener(handler), true));
  }
  async punsubscribe(pattern: string, handler: MessageHandler): Promise<void> {
    await this.#unsub("PUNSUBSCRIBE", "pUnsubscribe", pattern, this.#listener(handler));
  }
  async ssubscribe(channels: string[], handler: MessageHandler): Promise<void> {
    await command("SSUBSCRIBE", () => call(this.#sub, "sSubscribe", channels, this.#listener(handler), true));
  }
  async sunsubscribe(channels: string[], handler: MessageHandler): Promise<void> {
    const l = this.#listener(handler);
    await Promise.all(channels.map((c) => this.#unsub("SUNSUBSCRIBE", "sUnsubscribe", c, l)));
  }
  async numsub(kind: "NUMSUB" | "SHARDNUMSUB", channel: string): Promise<number> {
    return toNumber(await command(`PUBSUB ${kind}`, () => call(this.#pub, "sendCommand", ["PUBSUB", kind, channel])));
  }
  close(): void {
    // The listener map stays: late unsubscriptions (see #again) need the very same functions.
  }
}

