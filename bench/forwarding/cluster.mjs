// Two Switchboard nodes (bench/forwarding/node.mjs) on one Redis, each pinned to its own core where
// `taskset` works (../lib/procs.mjs), and the small IPC vocabulary the measurements use.
import { fileURLToPath } from "node:url";
import { startNode, stop } from "../lib/procs.mjs";

const NODE = fileURLToPath(new URL("./node.mjs", import.meta.url));
const SETTLE_POLL_MS = 20;
const SETTLE_LIMIT_MS = 15_000;

/**
 * One node process.
 * @example
 * const a = await BenchNode.start({ redisUrl, key, cpu: 0 });
 * const { user, system } = await a.cmd("cpu");
 */
export class BenchNode {
  /** @param {Awaited<ReturnType<typeof startNode>>} proc */
  constructor(name, proc) {
    this.name = name;
    this.port = proc.ready.port;
    this.child = proc.child;
    this.#call = proc.call;
  }

  #call;

  /** @param {{ name: string, redisUrl: string, key: string, cpu?: number, forwarding?: boolean, execArgv?: string[] }} o */
  static async start({ name, redisUrl, key, cpu, forwarding = true, execArgv = [] }) {
    const proc = await startNode(NODE, [redisUrl, key, forwarding ? "on" : "off"], {
      cpu,
      execArgv,
    });
    return new BenchNode(name, proc);
  }

  /** Runs an IPC command (with an optional argument); rejects with the node's error. */
  async cmd(name, arg) {
    const reply = await this.#call({ cmd: name, arg });
    if (reply.error) throw new Error(`${this.name}: ${reply.error}`);
    return reply.result;
  }

  /** CPU time (user + system, µs) used so far. */
  async cpu() {
    const { user, system } = await this.cmd("cpu");
    return user + system;
  }

  stop() {
    return stop(this.child);
  }
}

/**
 * Polls `fn` over IPC until `ok(value)`; the nodes settle on their own (Redis heartbeats, closes), this
 * only observes them. Throws with `what` when it does not happen within 15 s.
 */
export async function settle(what, fn, ok) {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
  }
}

/**
 * Starts node A (core 0) and node B (core 1), waits until each sees the other through the adapter and,
 * where this build forwards, until both published their tag; then starts B's plain proxy to A
 * (./plain-proxy.mjs, the "proxied" mode) on `proxyPort`.
 * @returns {Promise<{ a: BenchNode, b: BenchNode, proxyPort: number, forwarding: boolean, stop: () => Promise<void> }>}
 */
export async function startPair({ redisUrl, pin, forwarding = true, execArgv = [] }) {
  const key = `bench-fwd-${Math.random().toString(36).slice(2, 8)}`;
  const opts = { redisUrl, key, forwarding, execArgv };
  const [a, b] = await Promise.all([
    BenchNode.start({ ...opts, name: "A", cpu: pin ? 0 : undefined }),
    BenchNode.start({ ...opts, name: "B", cpu: pin ? 1 : undefined }),
  ]);
  const stopBoth = async () => {
    await Promise.all([a.stop(), b.stop()]);
  };
  try {
    for (const n of [a, b])
      await settle(
        `${n.name} to see 2 servers`,
        () => n.cmd("serverCount"),
        (c) => c === 2,
      );
    const stats = await Promise.all([a.cmd("forwarding"), b.cmd("forwarding")]);
    const on = stats.every((s) => s !== null);
    if (on) {
      for (const n of [a, b])
        await settle(
          `${n.name}'s tag`,
          () => n.cmd("forwarding"),
          (s) => (s?.claimed ?? !!s?.tag) === true,
        );
    }
    const proxyPort = await b.cmd("proxy", a.port);
    return { a, b, proxyPort, forwarding: on, stop: stopBoth };
  } catch (err) {
    await stopBoth();
    throw err;
  }
}
