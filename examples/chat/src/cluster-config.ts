// Settings of the multi-process chat, from the environment, checked once.
import { isIP } from "node:net";
import { availableParallelism } from "node:os";

export interface ClusterConfig {
  port: number;
  workers: number;
  redisUrl: string;
  /** Prefix of the adapter's Redis channels, so several chats (or test runs) can share one Redis. */
  redisKey: string;
  /** How the primary spreads requests over the workers; see {@link BALANCERS}. */
  balancer: Balancer;
  /**
   * Round-robin only: the IP the workers listen on, which is also the address their peers forward to
   * (`0.0.0.0`: the machine's first non-internal IPv4 is advertised). Default `127.0.0.1` (one machine).
   */
  workerHost: string;
  /** Round-robin only: worker n (0-based) listens on `workerPort + n`; 0 (the default) picks free ports. */
  workerPort: number;
}

/**
 * `sticky`: the primary passes each session's requests to the worker that holds it (@switchboard/sticky).
 * `round-robin`: each worker listens on a port of its own and the primary sends each request and upgrade to
 * the next one; the workers forward requests for sessions they do not hold to the owner (docs/scaling.md).
 */
export const BALANCERS = ["sticky", "round-robin"] as const;
export type Balancer = (typeof BALANCERS)[number];

/** Exit codes of `node dist/cluster.js`, documented in the README. */
export const EXIT = { ok: 0, failure: 1, store: 2, redis: 3, config: 4 } as const;

export class ConfigError extends Error {
  readonly code = "ERR_CHAT_CONFIG";
}

/**
 * Reads `PORT` (default 3000), `WORKERS` (default: the CPU count capped at 4, at least 2),
 * `REDIS_URL` (default `redis://127.0.0.1:6379`), `CHAT_REDIS_KEY` (default `switchboard-chat`),
 * `BALANCER` (`sticky`, the default, or `round-robin`), and for round-robin `WORKER_HOST` (an IP, default
 * `127.0.0.1`) and `WORKER_PORT` (default 0: free ports).
 * @example
 * const { port, workers, balancer } = clusterConfig({ WORKERS: "3", BALANCER: "round-robin" });
 */
export function clusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const port = int(env["PORT"], 3000, "PORT", 0, 65535);
  const workers = int(
    env["WORKERS"],
    Math.max(2, Math.min(4, availableParallelism())),
    "WORKERS",
    1,
    64,
  );
  const redisUrl = env["REDIS_URL"] || "redis://127.0.0.1:6379";
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss:// (got "${redisUrl}")`);
  const redisKey = env["CHAT_REDIS_KEY"] || "switchboard-chat";
  const balancer = env["BALANCER"] || "sticky";
  if (!isBalancer(balancer))
    throw new ConfigError(`BALANCER must be one of ${BALANCERS.join(", ")} (got "${balancer}")`);
  const workerHost = env["WORKER_HOST"] || "127.0.0.1";
  if (isIP(workerHost) === 0)
    throw new ConfigError(`WORKER_HOST must be an IP address (got "${workerHost}")`);
  const workerPort = int(env["WORKER_PORT"], 0, "WORKER_PORT", 0, 65536 - workers);
  return { port, workers, redisUrl, redisKey, balancer, workerHost, workerPort };
}

/** Where the primary reaches a worker listening on `workerHost`: a wildcard bind is reached on loopback. */
export function workerTarget(workerHost: string): string {
  if (workerHost === "0.0.0.0") return "127.0.0.1";
  if (workerHost === "::") return "::1";
  return workerHost;
}

function isBalancer(value: string): value is Balancer {
  return (BALANCERS as readonly string[]).includes(value);
}

/** The URL with its password hidden, for logs. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

function int(
  value: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
  return n;
}
