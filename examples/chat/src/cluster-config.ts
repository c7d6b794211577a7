// Settings of the multi-process chat, from the environment, checked once.
import { availableParallelism } from "node:os";

export interface ClusterConfig {
  port: number;
  workers: number;
  redisUrl: string;
  /** Prefix of the adapter's Redis channels, so several chats (or test runs) can share one Redis. */
  redisKey: string;
}

/** Exit codes of `node dist/cluster.js`, documented in the README. */
export const EXIT = { ok: 0, failure: 1, store: 2, redis: 3, config: 4 } as const;

export class ConfigError extends Error {
  readonly code = "ERR_CHAT_CONFIG";
}

/**
 * Reads `PORT` (default 3000), `WORKERS` (default: the CPU count capped at 4, at least 2),
 * `REDIS_URL` (default `redis://127.0.0.1:6379`) and `CHAT_REDIS_KEY` (default `switchboard-chat`).
 * @example
 * const { port, workers } = clusterConfig({ WORKERS: "3" });
 */
export function clusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const port = int(env["PORT"], 3000, "PORT", 0, 65535);
  const workers = int(env["WORKERS"], Math.max(2, Math.min(4, availableParallelism())), "WORKERS", 1, 64);
  const redisUrl = env["REDIS_URL"] || "redis://127.0.0.1:6379";
  if (!/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL must start with redis:// or rediss:// (got "${redisUrl}")`);
  const redisKey = env["CHAT_REDIS_KEY"] || "switchboard-chat";
  return { port, workers, redisUrl, redisKey };
}

/** The URL with its password hidden, for logs. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

function int(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
  return n;
}
