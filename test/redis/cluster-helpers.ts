// Spawns cluster nodes (test/redis/fixtures/node.mjs) as child processes and drives them over IPC, plus official
// socket.io-client clients that record what they receive.
import { fileURLToPath } from "node:url";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { IpcNode, type IpcMessage } from "../support/ipc-node.js";
import { waitUntil } from "../support/wait.js";

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

/** One cluster node in a child process, driven over IPC; records the serverSideEmit events it receives. */
export class ClusterNode extends IpcNode<NodeSpec> {
  /** serverSideEmit events without ack this node received. */
  readonly serverSide: unknown[] = [];

  constructor(spec: NodeSpec) {
    super(spec, {
      script: NODE_SCRIPT,
      env: {
        SB_IMPL: spec.impl ?? "switchboard",
        SB_FLAVOUR: spec.flavour ?? "classic",
        SB_LIB: spec.lib ?? "redis",
        SB_REDIS_URL: spec.url,
        SB_KEY: spec.key,
        SB_NAME: spec.name,
        DEBUG: "",
        ...spec.env,
      },
    });
  }

  /** SIGSTOP / SIGCONT: the node hangs with its connections open, then wakes up. */
  pause(): void {
    this.signal("SIGSTOP");
  }
  resume(): void {
    this.signal("SIGCONT");
  }

  protected override onEvent(msg: IpcMessage): void {
    if (msg.type === "server-side") this.serverSide.push(msg["arg"]);
  }
}

export interface RecordingClient {
  socket: ClientSocket;
  events: unknown[][];
  /** Resolves when an event named `ev` has been received (already or later). */
  waitFor(ev: string): Promise<unknown[]>;
}

/** An official socket.io-client on a node, websocket only; replies to acks with `ack:<event>`. */
export async function connectClient(
  node: ClusterNode,
  opts: { nsp?: string; rooms?: string[]; user?: string } = {},
): Promise<RecordingClient> {
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

/** Waits until `check` holds, polling every 20 ms (the condition is an observable state, not a duration). */
export function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 8000,
): Promise<void> {
  return waitUntil(check, what, timeoutMs, 20);
}
