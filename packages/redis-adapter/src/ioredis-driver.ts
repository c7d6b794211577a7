// The driver for `ioredis` clients: messages arrive as client events, dispatched by channel.
import debugModule from "debug";
import { RedisUnavailableError } from "./errors.js";
import { call, command, toNumber } from "./client-util.js";
import type { MessageHandler, PubSubDriver } from "./redis-client.js";

const debug = debugModule("socket.io-redis:client");

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
    if ((this.#pub as { status?: string }).status !== "ready") return new RedisUnavailableError("publisher");
    if ((this.#sub as { status?: string }).status !== "ready") return new RedisUnavailableError("subscriber");
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
    await command("SSUBSCRIBE", () => call(this.#sub, "ssubscribe", ...channels));
  }
  async sunsubscribe(channels: string[]): Promise<void> {
    for (const c of channels) this.#dispatch.sharded.delete(c);
    await this.#unsub("SUNSUBSCRIBE", "sunsubscribe", channels);
  }
  async numsub(kind: "NUMSUB" | "SHARDNUMSUB", channel: string): Promise<number> {
    return toNumber(await command(`PUBSUB ${kind}`, () => call(this.#pub, "call", "PUBSUB", kind, channel)));
  }
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    IoredisDispatch.release(this.#sub, this.#dispatch);
  }
}
