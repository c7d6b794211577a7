// One worker of the multi-process chat: the usual chat server, with the Redis adapter so broadcasts,
// rooms and the user list span every worker, fed by the sticky primary instead of listening itself.
import { createAdapter } from "@switchboard/redis-adapter";
import { setupWorker } from "@switchboard/sticky";
import { createChatServer } from "./chat-server.js";
import { EXIT, type ClusterConfig } from "./cluster-config.js";
import { connectPair, RedisUnavailableError } from "./redis.js";

/** Messages a worker sends to the primary. */
export type WorkerReport = { type: "chat:ready" } | { type: "chat:failed"; code: number; error: string };

/** Starts the worker; reports "ready" (or why it failed, then exits) to the primary. */
export async function runWorker(config: ClusterConfig): Promise<void> {
  const report = (msg: WorkerReport): Promise<void> =>
    new Promise((resolve) => {
      if (!process.connected || !process.send) return resolve();
      process.send(msg, undefined, {}, () => resolve());
    });
  let redis: Awaited<ReturnType<typeof connectPair>> | undefined;
  try {
    redis = await connectPair(config.redisUrl);
    const chat = await createChatServer({
      listen: false,
      port: config.port,
      adapter: createAdapter(redis.pub, redis.sub, { key: config.redisKey }),
    });
    setupWorker(chat.io);
    const pair = redis;
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      chat
        .close()
        .then(() => pair.close())
        .then(
          () => process.exit(EXIT.ok),
          () => process.exit(EXIT.failure),
        );
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    // The primary went away (killed): nobody routes to this worker any more.
    process.once("disconnect", stop);
    await report({ type: "chat:ready" });
  } catch (err) {
    const e = err as Error & { code?: string };
    const code = err instanceof RedisUnavailableError ? EXIT.redis : e.code === "ERR_CHAT_STORE" ? EXIT.store : EXIT.failure;
    await report({ type: "chat:failed", code, error: e.message });
    await redis?.close();
    process.exit(code);
  }
}
