// Starts test/security/churn/server.mjs in a child process (with --expose-gc) and talks to it over IPC.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./server.mjs", import.meta.url));

/**
 * V8 flags that keep compiled code out of the heap figures. With the optimising tiers on, the first
 * ~5,000 cycles compile ~1.1 MB of machine code, deopt data and relocation info (+14 % over a warm-up
 * of a few hundred cycles; all of it `code` in a heap-snapshot diff), which would drown a leak. In the
 * interpreter the heap after 10,000 cycles stays within 0.2 % of the baseline, so ±5 % means a leak.
 * Bytecode flushing is off too: it would shrink the heap by dropping functions the churn never calls.
 */
const INTERPRETER_ONLY = ["--no-opt", "--no-maglev", "--no-sparkplug", "--no-flush-bytecode"];

export interface NamespaceStats {
  name: string;
  sockets: number;
  rooms: number;
  sids: number;
}

export interface ServerStats {
  engineClients: number;
  engineClientIds: number;
  connectQueue: number;
  namespaces: NamespaceStats[];
  httpConnections: number;
  listeners: Record<string, number>;
  /** Ref'd timers (`process.getActiveResourcesInfo()` "Timeout" entries). */
  timeouts: number;
  /** Every live timer, unref'd ones included (async_hooks). */
  timersAll: number;
  tcpHandles: number;
  counters: {
    connections: number;
    disconnects: number;
    joins: number;
    connectionErrors: number;
    consoleErrors: number;
  };
  reasons: Record<string, number>;
}

interface Reply {
  id?: number;
  type?: string;
  port?: number;
  result?: unknown;
  error?: string;
}

export class ServerProcess {
  port = 0;
  /** Exit code or signal once the child is gone. */
  exit: string | undefined;
  stderr = "";
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #seq = 0;
  readonly #ready: Promise<number>;

  constructor(env: Record<string, string> = {}) {
    this.#child = fork(SCRIPT, [], {
      execArgv: ["--expose-gc", ...INTERPRETER_ONLY],
      env: { ...process.env, DEBUG: "", ...env },
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    this.#child.stderr!.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.#ready = new Promise((resolve, reject) => {
      this.#child.on("message", (msg: Reply) => {
        if (msg.type === "ready" && msg.port !== undefined) return resolve(msg.port);
        const p = msg.id === undefined ? undefined : this.#pending.get(msg.id);
        if (p === undefined) return;
        this.#pending.delete(msg.id!);
        if (msg.error !== undefined) p.reject(new Error(`server: ${msg.error}`));
        else p.resolve(msg.result);
      });
      this.#child.once("exit", (code, signal) => {
        this.exit = String(code ?? signal);
        const err = new Error(`server process exited (${this.exit}): ${this.stderr}`);
        reject(err);
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
      });
    });
  }

  async start(): Promise<this> {
    this.port = await this.#ready;
    return this;
  }

  call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exit !== undefined || !this.#child.connected) {
      return Promise.reject(new Error(`server process is gone (${this.exit}): ${this.stderr}`));
    }
    const id = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, cmd, ...args });
    });
  }

  stats(): Promise<ServerStats> {
    return this.call<ServerStats>("stats");
  }

  /** The server's heapUsed: min of `samples` GC'd measurements. */
  heap(samples = 5): Promise<number> {
    return this.call<number>("heap", { samples });
  }

  /** Closes the Socket.IO server and waits for a clean exit; the exit code ("0" when all went well). */
  async close(): Promise<string> {
    if (this.exit === undefined) {
      const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
      await this.call("close").catch(() => undefined);
      await exited;
    }
    return this.exit!;
  }

  /** Last resort for a failed test: never leave the child behind. */
  kill(): void {
    if (this.exit === undefined) this.#child.kill("SIGKILL");
  }
}
