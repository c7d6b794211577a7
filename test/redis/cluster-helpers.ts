// Spawns cluster nodes (test/redis/fixtures/node.mjs) as child processes and drives them over IPC, plus official
// socket.io-client clients that record what they receive.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";

const NODE_SCRIPT = fileURLToPath(new URL("./fixtures/node.mjs", import.meta.url));

export interface NodeSpec {
  name: string;
  url: string;
  key: string;
  impl?: "switchboard" | "socket.io";
  flavour?: "classic" | "sharded";
  lib?: "redis" | "ioredis";
  /** Extra environment (SB_HEARTBEAT_INTERVAL, SB_HEARTBEAT_TIMEOUT, SB_REQUESTS_TIMEOUT). */
  env?: Record<string, string>;
}

export class ClusterNode {
  readonly spec: NodeSpec;
  port = 0;
  /** serverSideEmit events without ack this node received. */
  readonly serverSide: unknown[] = [];
  #child: ChildProcess | undefined;
  #seq = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(spec: NodeSpec) {
    this.spec = spec;
  }

  async start(): Promise<this> {
    const { spec } = this;
    const child = fork(NODE_SCRIPT, [], {
      env: {
        ...process.env,
        SB_IMPL: spec.impl ?? "switchboard",
        SB_FLAVOUR: spec.flavour ?? "classic",
        SB_LIB: spec.lib ?? "redis",
        SB_REDIS_URL: spec.url,
        SB_KEY: spec.key,
        SB_NAME: spec.name,
        DEBUG: "",
        ...spec.env,
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#child = child;
    child.on("message", (msg: { id?: number; type?: string; port?: number; result?: unknown; error?: { message: string; code?: string }; arg?: unknown }) => {
      if (msg.type === "ready") return;
      if (msg.type === "server-side") {
        this.serverSide.push(msg.arg);
        return;
      }
      const p = msg.id === undefined ? undefined : this.#pending.get(msg.id);
      if (p === undefined || msg.id === undefined) return;
      this.#pending.delete(msg.id);
      if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else p.resolve(msg.result);
    });
    child.once("exit", () => {
      for (const p of this.#pending.values()) p.reject(new Error(`node ${spec.name} exited`));
      this.#pending.clear();
    });
    this.port = await new Promise<number>((resolve, reject) => {
      child.on("message", (m: { type?: string; port?: number }) => {
        if (m.type === "ready" && m.port) resolve(m.port);
      });
      child.once("exit", (code) => reject(new Error(`node ${spec.name} exited with ${code} before ready`)));
    });
    return this;
  }

  call<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const child = this.#child;
    if (child === undefined || !child.connected) return Promise.reject(new Error(`node ${this.spec.name} is not running`));
    const id = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, args });
    });
  }

  /** SIGSTOP / SIGCONT: the node hangs with its connections open, then wakes up. */
  pause(): void {
    this.#child?.kill("SIGSTOP");
  }
  resume(): void {
    this.#child?.kill("SIGCONT");
  }

  /** SIGKILL: the node dies without closing anything, as a crash would. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await gone;
  }
}

export interface RecordingClient {
  socket: ClientSocket;
  events: unknown[][];
  /** Resolves when an event named `ev` has been received (already or later). */
  waitFor(ev: string): Promise<unknown[]>;
}

/** An official socket.io-client on a node, websocket only; replies to acks with `ack:<event>`. */
export async function connectClient(node: ClusterNode, opts: { nsp?: string; rooms?: string[]; user?: string } = {}): Promise<RecordingClient> {
  const socket = ioc(`http://127.0.0.1:${node.port}${opts.nsp ?? "/"}`, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth: { rooms: opts.rooms ?? [], user: opts.user },
  });
  const events: unknown[][] = [];
  const waiters: { ev: string; resolve: (a: unknown[]) => void }[] = [];
  socket.onAny((ev: string, ...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args.pop();
      (last as (v: unknown) => void)(`ack:${ev}:${opts.user ?? ""}`);
    }
    events.push([ev, ...args]);
    for (const w of waiters.filter((x) => x.ev === ev)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(args);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return {
    socket,
    events,
    waitFor(ev) {
      const seen = events.find((e) => e[0] === ev);
      if (seen) return Promise.resolve(seen.slice(1));
      return new Promise((resolve) => waiters.push({ ev, resolve }));
    },
  };
}

/** Names of the events a client received, in order. */
export const names = (c: RecordingClient): unknown[] => c.events.map((e) => e[0]);

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
