// The one Redis command an emitter needs, PUBLISH, on whatever client the user brings: node-redis v4/v5 (`createClient`,
// `createCluster`) and ioredis (`Redis`, `Cluster`) all have `publish(channel, message)` returning a promise, and take
// a Buffer message. Neither library is imported: the client is recognised by shape.
import createDebug from "debug";
import { RedisEmitterError, RedisEmitterErrorCode } from "./errors.js";

const debug = createDebug("socket.io-emitter");

/** Any client with `publish(channel, message)`: node-redis v4/v5 or ioredis, single node or cluster. */
export interface RedisPublisher {
  publish(channel: string, message: string | Buffer): unknown;
}

/** What an emitter counts about its own publishing (fire-and-forget, as upstream: never thrown). */
export interface PublishStats {
  /** PUBLISH commands issued. */
  published: number;
  /** PUBLISH commands the client rejected (Redis down, closed client): the message is lost. */
  failed: number;
}

/** @internal Checks the client's shape and publishes without ever throwing or leaving a rejection unhandled. */
export class Publisher {
  readonly stats: PublishStats = { published: 0, failed: 0 };
  readonly #client: RedisPublisher;

  constructor(client: unknown) {
    if (typeof (client as Partial<RedisPublisher> | null)?.publish !== "function")
      throw new RedisEmitterError(
        RedisEmitterErrorCode.UNSUPPORTED_CLIENT,
        'the Redis client has no publish() method: give a "redis" (node-redis v4/v5) or an "ioredis" client',
      );
    this.#client = client as RedisPublisher;
  }

  get client(): RedisPublisher {
    return this.#client;
  }

  publish(channel: string, message: string | Buffer): void {
    debug("publishing to %s", channel);
    this.stats.published++;
    let result: unknown;
    try {
      result = this.#client.publish(channel, message);
    } catch (err) {
      this.#failed(channel, err);
      return;
    }
    if (result instanceof Promise) result.catch((err: unknown) => this.#failed(channel, err));
  }

  #failed(channel: string, err: unknown): void {
    this.stats.failed++;
    debug("publish to %s failed: %s", channel, (err as Error)?.message ?? String(err));
  }
}
