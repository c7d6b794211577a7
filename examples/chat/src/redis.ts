// The chat's Redis connections (node-redis v5): a probe for a clear start-up error, and the adapter's pair.
import { createClient, type RedisClientType } from "redis";
import { safeUrl } from "./cluster-config.js";

/** Redis could not be reached; the cluster exits with code 3. */
export class RedisUnavailableError extends Error {
  readonly code = "ERR_CHAT_REDIS";
}

const CONNECT_TIMEOUT_MS = 3000;

/** Connects once (no retries), pings, disconnects; rejects with {@link RedisUnavailableError}. */
export async function probeRedis(url: string): Promise<void> {
  const client = createClient({
    url,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false },
  });
  client.on("error", () => undefined); // the rejected connect() below says it all
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new RedisUnavailableError(`cannot reach Redis at ${safeUrl(url)}: ${describe(err)}`, {
      cause: err,
    });
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** The publisher and subscriber the Redis adapter needs; retried with backoff if Redis goes away later. */
export async function connectPair(
  url: string,
): Promise<{ pub: RedisClientType; sub: RedisClientType; close(): Promise<void> }> {
  const pub: RedisClientType = createClient({
    url,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000),
    },
  });
  const sub = pub.duplicate();
  let lastLog = 0;
  const onError = (err: unknown): void => {
    // While Redis is down every retry fails; one line every few seconds is enough.
    if (Date.now() - lastLog < 5000) return;
    lastLog = Date.now();
    console.error(`chat: Redis at ${safeUrl(url)}: ${describe(err)} (retrying)`);
  };
  pub.on("error", onError);
  sub.on("error", onError);
  const ready = Promise.all([pub.connect(), sub.connect()]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RedisUnavailableError(
            `cannot reach Redis at ${safeUrl(url)} within ${CONNECT_TIMEOUT_MS} ms`,
          ),
        ),
      CONNECT_TIMEOUT_MS,
    );
  });
  const close = async (): Promise<void> => {
    await Promise.allSettled([
      pub.isOpen ? pub.close() : undefined,
      sub.isOpen ? sub.close() : undefined,
    ]);
    if (pub.isOpen) pub.destroy();
    if (sub.isOpen) sub.destroy();
  };
  try {
    await Promise.race([ready, timeout]);
  } catch (err) {
    ready.catch(() => undefined);
    pub.destroy();
    sub.destroy();
    throw err instanceof RedisUnavailableError
      ? err
      : new RedisUnavailableError(`cannot reach Redis at ${safeUrl(url)}: ${describe(err)}`);
  } finally {
    clearTimeout(timer);
  }
  return { pub, sub, close };
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  const e = err as { message?: string; code?: string };
  return e.message || e.code || String(err);
}
