// Multi-process streams-adapter clusters for the tests: nodes in child processes (fixtures/node.mjs) behind a small
// round-robin TCP balancer written here, and official socket.io-client clients that record every event.
import { randomBytes } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { IpcNode } from "../support/ipc-node.js";
import { waitUntil } from "../support/wait.js";

const NODE_SCRIPT = fileURLToPath(new URL("./fixtures/node.mjs", import.meta.url));

export interface NodeSpec {
  name: string;
  url: string;
  stream: string;
  impl?: "switchboard" | "socket.io";
  lib?: "redis" | "ioredis";
  maxDisconnect?: number;
  maxLen?: number;
}

/** A fresh stream name (also channel prefix) and session key prefix per test. */
export function names(): { stream: string; sessions: string } {
  const id = randomBytes(4).toString("hex");
  return { stream: `sbs-${id}`, sessions: `sbs-${id}:session:` };
}

/** One streams-adapter node in a child process, driven over IPC; `stop()` closes it gracefully (SIGTERM). */
export class StreamsNode extends IpcNode<NodeSpec> {
  constructor(spec: NodeSpec) {
    super(spec, {
      script: NODE_SCRIPT,
      env: {
        SB_IMPL: spec.impl ?? "switchboard",
        SB_LIB: spec.lib ?? "redis",
        SB_REDIS_URL: spec.url,
        SB_STREAM: spec.stream,
        SB_SESSIONS: `${spec.stream}:session:`,
        SB_NAME: spec.name,
        SB_MAX_DISCONNECT: String(spec.maxDisconnect ?? 10_000),
        SB_MAXLEN: String(spec.maxLen ?? 10_000),
        DEBUG: "",
      },
    });
  }
}

/**
 * A round-robin TCP balancer over the live nodes. `target` pins new connections to one node; `hold()` keeps new
 * connections waiting (not refused) until `release()`; `cut()` drops every proxied connection (the nodes see a
 * transport close).
 */
export class Balancer {
  port = 0;
  backends: StreamsNode[] = [];
  target: StreamsNode | undefined;
  readonly #server: Server;
  readonly #pairs = new Set<Socket>();
  #next = 0;
  #held: Socket[] = [];
  #holding = false;

  constructor() {
    this.#server = createServer((socket) => {
      socket.on("error", () => socket.destroy());
      if (this.#holding) this.#held.push(socket);
      else this.#route(socket, 0);
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    this.port = (this.#server.address() as { port: number }).port;
    return this;
  }

  hold(): void {
    this.#holding = true;
  }

  release(): void {
    this.#holding = false;
    for (const s of this.#held.splice(0)) this.#route(s, 0);
  }

  cut(): void {
    for (const s of this.#pairs) s.destroy();
    this.#pairs.clear();
  }

  #pick(): StreamsNode | undefined {
    if (this.target?.alive) return this.target;
    const live = this.backends.filter((b) => b.alive);
    if (live.length === 0) return undefined;
    return live[this.#next++ % live.length];
  }

  #route(socket: Socket, attempt: number): void {
    const node = this.#pick();
    if (node === undefined || attempt > 5) return void socket.destroy();
    const upstream = connect({ host: "127.0.0.1", port: node.port });
    upstream.once("error", () => {
      upstream.destroy();
      if (!socket.destroyed) this.#route(socket, attempt + 1);
    });
    upstream.once("connect", () => {
      upstream.removeAllListeners("error");
      upstream.on("error", () => socket.destroy());
      socket.on("close", () => upstream.destroy());
      upstream.on("close", () => socket.destroy());
      this.#pairs.add(socket);
      this.#pairs.add(upstream);
      socket.once("close", () => this.#pairs.delete(socket));
      upstream.once("close", () => this.#pairs.delete(upstream));
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  }

  async close(): Promise<void> {
    this.cut();
    for (const s of this.#held.splice(0)) s.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

export interface Recorder {
  socket: ClientSocket;
  /** Every event received: `[event, ...args]` (the offset, a string, last). */
  events: unknown[][];
  /** Values of one event (its first argument), in order. */
  values(ev: string): unknown[];
  /** Resolves on the next `connect` (after a reconnection). */
  nextConnect(): Promise<void>;
  whoami(): Promise<{
    id: string;
    rooms: string[];
    data: unknown;
    node: string;
    recovered: boolean;
  }>;
}

/** An official socket.io-client through the balancer, websocket only, reconnecting quickly. */
export async function client(port: number, auth: Record<string, unknown> = {}): Promise<Recorder> {
  const socket = ioc(`http://127.0.0.1:${port}`, {
    transports: ["websocket"],
    forceNew: true,
    auth,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    randomizationFactor: 0,
  });
  const events: unknown[][] = [];
  socket.onAny((ev: string, ...args: unknown[]) => events.push([ev, ...args]));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return {
    socket,
    events,
    values: (ev) => events.filter((e) => e[0] === ev).map((e) => e[1]),
    nextConnect: () => new Promise((r) => socket.once("connect", () => r())),
    whoami: () => socket.timeout(5000).emitWithAck("whoami"),
  };
}

/** Waits until `check` holds, polling every 20 ms (the condition is an observable state, not a duration). */
export function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  return waitUntil(check, what, timeoutMs, 20);
}

/** `0..n-1`. */
export const seq = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
