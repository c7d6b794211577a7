// With REDIS_URL, dashboard servers share their broadcasts through Redis (the classic adapter), so several of them,
// and a worker process with @switchboard/redis-emitter (src/worker.ts), reach every dashboard.
import { createAdapter } from "@switchboard/redis-adapter";
import { createClient } from "redis";

/** The Redis adapter factory for `redisUrl`, and a function closing its two clients. */
export async function redisAdapter(
  redisUrl: string,
  key = "socket.io",
): Promise<{ adapter: ReturnType<typeof createAdapter>; close: () => Promise<void> }> {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  for (const c of [pub, sub])
    c.on("error", (err: Error) => console.error(`dashboard: redis: ${err.message}`));
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    adapter: createAdapter(pub, sub, { key }),
    close: async () => {
      await Promise.allSettled([pub.close(), sub.close()]);
    },
  };
}
