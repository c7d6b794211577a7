import createDebug from "debug";

const debug = createDebug("socket.io-admin:store");

/** Where admin login sessions live: the official `Store` shape, so stores are interchangeable. */
export abstract class Store {
  /** Whether a session id was issued (and has not expired). */
  abstract doesSessionExist(sessionId: string): Promise<boolean>;
  /** Remember a freshly issued session id. */
  abstract saveSession(sessionId: string): void;
}

/**
 * Sessions in this process's memory (the default): enough for one node, or several nodes behind
 * sticky sessions when the admin UI always reaches the same node.
 *
 * @example
 * ```ts
 * instrument(io, { auth: false, store: new InMemoryStore() });
 * ```
 */
export class InMemoryStore extends Store {
  #sessions = new Set<string>();

  doesSessionExist(sessionId: string): Promise<boolean> {
    return Promise.resolve(this.#sessions.has(sessionId));
  }

  saveSession(sessionId: string): void {
    this.#sessions.add(sessionId);
  }
}

/** The subset of a Redis client the store uses: works with `ioredis` and with `redis` v4/v5. */
export interface RedisLikeClient {
  exists(key: string): Promise<number> | unknown;
  multi(): RedisLikeMulti;
}

export interface RedisLikeMulti {
  set(key: string, value: string): RedisLikeMulti;
  expire(key: string, seconds: number): RedisLikeMulti;
  exec(): Promise<unknown> | unknown;
}

export interface RedisStoreOptions {
  /** Prefix of the session keys. Default `socket.io-admin` (the official one, keys are `prefix#id`). */
  prefix: string;
  /** Session lifetime in seconds. Default 86400. */
  sessionDuration: number;
}

/**
 * Sessions in Redis, shared by every node of a cluster so a reconnecting admin UI stays logged in
 * whichever node it reaches.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * instrument(io, { auth: { type: "basic", username: "admin", password: hash }, store: new RedisStore(new Redis()) });
 * ```
 */
export class RedisStore extends Store {
  readonly #client: RedisLikeClient;
  readonly #options: RedisStoreOptions;

  constructor(redisClient: RedisLikeClient, options: Partial<RedisStoreOptions> = {}) {
    super();
    this.#client = redisClient;
    this.#options = { prefix: "socket.io-admin", sessionDuration: 86400, ...options };
  }

  #key(sessionId: string): string {
    return `${this.#options.prefix}#${sessionId}`;
  }

  async doesSessionExist(sessionId: string): Promise<boolean> {
    try {
      return Number(await this.#client.exists(this.#key(sessionId))) === 1;
    } catch (err) {
      debug("session lookup failed: %s", (err as Error).message);
      return false;
    }
  }

  saveSession(sessionId: string): void {
    const key = this.#key(sessionId);
    try {
      const done = this.#client
        .multi()
        .set(key, "1")
        .expire(key, this.#options.sessionDuration)
        .exec();
      if (done instanceof Promise)
        done.catch((err: unknown) => debug("session save failed: %s", (err as Error).message));
    } catch (err) {
      debug("session save failed: %s", (err as Error).message);
    }
  }
}
