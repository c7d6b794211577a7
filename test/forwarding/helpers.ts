// Multi-process clusters for the forwarding tests (issue #16): N Switchboard nodes in child processes
// (fixtures/node.mjs, built packages) sharing one Redis, behind the round-robin balancer of balancer.ts, and
// official socket.io-client clients pointed at the balancer. Everything started here is closed after the test.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createClient } from "redis";
import type { Socket as ClientSocket } from "socket.io-client";
import { onCleanup } from "../support/cleanup.js";
import { IpcNode, type IpcError } from "../support/ipc-node.js";
import { connect, type ClientOptions } from "../support/net.js";
import { withTimeout } from "../support/wait.js";
import { RoundRobinBalancer } from "./balancer.js";

const NODE_SCRIPT = fileURLToPath(new URL("./fixtures/node.mjs", import.meta.url));

/** Which Switchboard Redis adapter the nodes use. */
export type AdapterKind = "classic" | "sharded" | "streams";

/** `io.engine.forwarding` of a node (null when forwarding is off). */
export interface ForwardingStats {
  tag: string;
  address: string;
  inFlight: number;
  forwarded: number;
  relayedWebSockets: number;
  refused: number;
}

/** What a node reports over IPC. */
export interface NodeStats {
  /** Sockets of the main namespace this node holds. */
  sockets: number;
  /** Engine.IO sessions this node holds. */
  clients: number;
  forwarding: ForwardingStats | null;
}

export interface NodeSpec {
  name: string;
  redisUrl: string;
  /** Channel / stream prefix, one per cluster so tests sharing a Redis never hear each other. */
  key: string;
  adapter: AdapterKind;
  /** false passes `forwarding: false`; otherwise the server's default applies. */
  forwarding: boolean;
  /** Streams adapter: the recovery window in ms. */
  recoveryMs?: number;
}

/** One node in a child process, driven over IPC (every call bounded: a hung node fails the test, by name). */
export class ForwardingNode extends IpcNode<NodeSpec> {
  constructor(spec: NodeSpec) {
    super(spec, {
      script: NODE_SCRIPT,
      env: {
        SB_ADAPTER: spec.adapter,
        SB_REDIS_URL: spec.redisUrl,
        SB_KEY: spec.key,
        SB_NAME: spec.name,
        SB_FORWARDING: spec.forwarding ? "1" : "0",
        SB_RECOVERY_MS: String(spec.recoveryMs ?? 30_000),
        DEBUG: process.env["SB_FORWARDING_DEBUG"] ?? "",
      },
      readyTimeoutMs: 15_000,
      callTimeoutMs: 10_000,
    });
  }

  stats(): Promise<NodeStats> {
    return this.call<NodeStats>("stats");
  }

  /** The node's name leads the message: several nodes answer in one test. */
  protected override replyError(error: IpcError): Error {
    return new Error(`${this.name}: ${error.message}`);
  }
}

export interface ClusterOptions {
  redisUrl: string;
  adapter: AdapterKind;
  /** Number of nodes (default 3). */
  size?: number;
  /** Default true (the server's default); false turns forwarding off on every node. */
  forwarding?: boolean;
  recoveryMs?: number;
}

export interface Cluster {
  /** What every node of the cluster is started with (but its name). */
  spec: Omit<NodeSpec, "name">;
  nodes: ForwardingNode[];
  balancer: RoundRobinBalancer;
  /** The balancer's URL: where every client connects. */
  url: string;
  key: string;
}

/**
 * Starts `size` nodes and a balancer over all of them; all are stopped (and the cluster's Redis keys removed)
 * after the test.
 * @example
 * const { url, nodes } = await startCluster({ redisUrl, adapter: "classic" });
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const key = `sbf-${randomBytes(4).toString("hex")}`;
  const nodes: ForwardingNode[] = [];
  onCleanup(() => removeKeys(opts.redisUrl, key));
  onCleanup(() => Promise.all(nodes.map((n) => n.kill())), true);
  const spec: Omit<NodeSpec, "name"> = {
    redisUrl: opts.redisUrl,
    key,
    adapter: opts.adapter,
    forwarding: opts.forwarding ?? true,
    ...(opts.recoveryMs === undefined ? {} : { recoveryMs: opts.recoveryMs }),
  };
  const size = opts.size ?? 3;
  for (let i = 0; i < size; i++) nodes.push(new ForwardingNode({ ...spec, name: `n${i}` }));
  await Promise.all(nodes.map((n) => n.start()));
  const balancer = await new RoundRobinBalancer(nodes).listen();
  onCleanup(() => balancer.close(), true);
  return { spec, nodes, balancer, url: balancer.url, key };
}

/** Starts one more node and puts it in the balancer's rotation as soon as it listens. */
export async function addNode(cluster: Cluster): Promise<ForwardingNode> {
  const node = new ForwardingNode({ ...cluster.spec, name: `n${cluster.nodes.length}` });
  cluster.nodes.push(node); // before start(): the cleanup kills it even if it never gets ready
  await node.start();
  cluster.balancer.backends.push(node);
  return node;
}

/** The streams adapter leaves its stream and session records behind; the others leave nothing that lasts. */
async function removeKeys(url: string, key: string): Promise<void> {
  const c = createClient({ url });
  c.on("error", () => undefined);
  await c.connect();
  try {
    const keys: string[] = [];
    for await (const batch of c.scanIterator({ MATCH: `${key}*`, COUNT: 1000 }))
      keys.push(...batch);
    if (keys.length > 0) await c.del(keys);
  } finally {
    c.destroy();
  }
}

/** What a client went through: every connect_error and disconnect, in order. */
export interface Tracked {
  socket: ClientSocket;
  /** `socket.recovered` at each "connect" (so its length is the number of connects). */
  connects: boolean[];
  connectErrors: Error[];
  disconnects: { reason: string; description: unknown }[];
}

/**
 * An official socket.io-client socket to the balancer (no reconnection unless `opts` asks for it), tracked and
 * closed after the test.
 */
export function client(cluster: Cluster, opts: ClientOptions = {}): Tracked {
  const socket = connect(cluster.url, opts);
  const t: Tracked = { socket, connects: [], connectErrors: [], disconnects: [] };
  socket.on("connect", () => t.connects.push(socket.recovered === true));
  socket.on("connect_error", (err: Error) => t.connectErrors.push(err));
  socket.on("disconnect", (reason: string, description: unknown) =>
    t.disconnects.push({ reason, description: summary(description) }),
  );
  return t;
}

/**
 * A readable form of a disconnect's details: the HTTP status and body of a failed poll, or the error message
 * (so a failing assertion says what the server answered).
 */
function summary(details: unknown): unknown {
  if (details === undefined || details === null || typeof details !== "object") return details;
  const d = details as {
    message?: string;
    description?: unknown;
    context?: { status?: number; responseText?: string };
  };
  const parts = [d.message, d.description === undefined ? undefined : String(d.description)];
  if (d.context?.responseText) parts.push(d.context.responseText.slice(0, 200));
  return parts.filter((p) => p !== undefined).join(" | ");
}

/** Resolves when every socket is connected; rejects with the first connect_error. */
export async function allConnected(sockets: ClientSocket[], ms = 10_000): Promise<void> {
  await withTimeout(
    Promise.all(
      sockets.map((s) =>
        s.connected
          ? undefined
          : new Promise<void>((resolve, reject) => {
              s.once("connect", () => resolve());
              s.once("connect_error", reject);
            }),
      ),
    ),
    ms,
    `${sockets.length} clients connected`,
  );
}

/**
 * `count` sequential `echo` round trips with acks; each answer must be exactly what was sent. Resolves with the
 * number of answered round trips; rejects (ack timeout, disconnect) at the first one not answered.
 */
export async function echoRounds(socket: ClientSocket, count: number, label = ""): Promise<number> {
  let answered = 0;
  for (let i = 0; i < count; i++) {
    const sent = `${label}:${i}`;
    const got: unknown = await socket.timeout(5000).emitWithAck("echo", sent);
    if (got !== sent) throw new Error(`round trip ${i} answered ${String(got)}, expected ${sent}`);
    answered++;
  }
  return answered;
}

/** Options of a client that comes back by itself, quickly (for the failure tests). */
export const RECONNECTING: ClientOptions = {
  reconnection: true,
  reconnectionDelay: 100,
  reconnectionDelayMax: 500,
  randomizationFactor: 0,
  timeout: 5000,
};

/** Stats of every live node. */
export function allStats(nodes: ForwardingNode[]): Promise<NodeStats[]> {
  return Promise.all(nodes.filter((n) => n.alive).map((n) => n.stats()));
}

/** Sum of `forwarded` over the nodes' forwarding stats (0 when forwarding is off). */
export function totalForwarded(stats: NodeStats[]): number {
  return stats.reduce((sum, s) => sum + (s.forwarding?.forwarded ?? 0), 0);
}

/** Name of the transport the client's Engine.IO connection uses now. */
export function transportOf(socket: ClientSocket): string | undefined {
  return (socket.io.engine as { transport?: { name?: string } } | undefined)?.transport?.name;
}
