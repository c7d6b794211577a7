// Parent side of server-child.mjs: starts the server under attack in its own Node process and reads its
// health over IPC. A crash (exit code, signal, uncaught error) is noticed and reported with the child's stderr.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeEach } from "vitest";
import { withTimeout } from "./wait.js";

const CHILD_SCRIPT = fileURLToPath(new URL("./server-child.mjs", import.meta.url));
const STDERR_TAIL = 8192;

/** What the child is started with. Plain data only (it crosses a process boundary as JSON). */
export interface ChildOptions {
  /** `new Server(http, server)`: Socket.IO + Engine.IO server and attach options. */
  server?: Record<string, unknown>;
  /** `http.createServer(http)`: e.g. `headersTimeout`, `requestTimeout`, `connectionsCheckingInterval`. */
  http?: Record<string, unknown>;
}

/** Something the child recorded: `sio-connect`, `sio-disconnect`, `engine-connection`, `engine-close`, ... */
export interface ChildEvent {
  type: string;
  [key: string]: unknown;
}

export interface FatalError {
  kind: string;
  message: string;
  stack: string;
}

/** The child's counters (see `health()` in server-child.mjs). */
export interface Health {
  /** Engine.IO sessions. */
  clientsCount: number;
  /** Socket.IO sockets per namespace. */
  namespaces: Record<string, number>;
  /** Adapter map sizes per namespace. */
  adapters: Record<string, { rooms: number; sids: number }>;
  /** Timers created by JS that are still pending (`ref`: those keeping the process alive). */
  timers: { live: number; ref: number };
  /** `process.getActiveResourcesInfo()` counted by type (`Timeout`, `TCPSocketWrap`, ...). */
  resources: Record<string, number>;
  /** `http.getConnections()`. */
  connections: number;
  /** Listener count per event name on the http.Server. */
  listeners: Record<string, number>;
  /** Uncaught exceptions / unhandled rejections seen (the child exits right after one). */
  errors: FatalError[];
  /** Process warnings, e.g. MaxListenersExceededWarning. */
  warnings: string[];
}

type Reply = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class ServerChild {
  readonly port: number;
  readonly events: ChildEvent[] = [];
  readonly fatals: FatalError[] = [];
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #proc: ChildProcess;
  readonly #pending = new Map<number, Reply>();
  readonly #eventWaiters = new Set<() => void>();
  readonly #stderr: { tail: string };
  #nextId = 1;

  private constructor(proc: ChildProcess, port: number, stderr: { tail: string }) {
    this.#proc = proc;
    this.port = port;
    this.#stderr = stderr;
  }

  /** Forks the child, waits for it to listen (bounded), and returns a handle. */
  static async start(options: ChildOptions = {}): Promise<ServerChild> {
    const proc = fork(CHILD_SCRIPT, [], {
      // Own flags, not the runner's: gc for memory figures, a small heap so a memory attack ends in a crash.
      execArgv: ["--expose-gc", "--max-old-space-size=256"],
      env: { ...process.env, DEBUG: "", SB_SECURITY_OPTIONS: JSON.stringify(options) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    // Shared with the handle below, so a late crash still shows the child's last words.
    const stderr = { tail: "" };
    proc.stdout?.resume();
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderr.tail = (stderr.tail + chunk.toString()).slice(-STDERR_TAIL);
    });
    const port = await withTimeout(
      new Promise<number>((resolve, reject) => {
        proc.on("message", (msg: { type?: string; port?: number }) => {
          if (msg?.type === "ready") resolve(msg.port!);
        });
        proc.on("exit", (code, signal) =>
          reject(new Error(`server child exited early (${code ?? signal}): ${stderr.tail}`)),
        );
      }),
      10_000,
      "the server child to listen",
    ).catch((err: unknown) => {
      proc.kill("SIGKILL");
      throw err;
    });
    const child = new ServerChild(proc, port, stderr);
    child.#listen();
    return child;
  }

  #listen(): void {
    const proc = this.#proc;
    proc.on(
      "message",
      (
        msg: {
          type?: string;
          id?: number;
          result?: unknown;
          error?: string;
          event?: ChildEvent;
        } & FatalError,
      ) => {
        if (msg?.type === "event" && msg.event) {
          this.events.push(msg.event);
          for (const wake of [...this.#eventWaiters]) wake();
        } else if (msg?.type === "fatal") {
          this.fatals.push({ kind: msg.kind, message: msg.message, stack: msg.stack });
        } else if (msg?.type === "reply" && msg.id !== undefined) {
          const reply = this.#pending.get(msg.id);
          this.#pending.delete(msg.id);
          if (msg.error !== undefined) reply?.reject(new Error(msg.error));
          else reply?.resolve(msg.result);
        }
      },
    );
    proc.on("exit", (code, signal) => {
      this.exit = { code, signal };
      for (const reply of this.#pending.values())
        reply.reject(new Error(`server child died: ${this.describeDeath()}`));
      this.#pending.clear();
      for (const wake of [...this.#eventWaiters]) wake();
    });
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Exit code/signal, fatal errors and the tail of stderr: what a failing test prints. */
  describeDeath(): string {
    const how = this.exit
      ? `exit code ${this.exit.code}, signal ${this.exit.signal}`
      : "still running";
    const fatals = this.fatals.map((f) => `${f.kind}: ${f.stack || f.message}`).join("\n");
    return `${how}\n${fatals}\n--- stderr ---\n${this.#stderr.tail}`;
  }

  /** Throws (with the details) if the child died or recorded an uncaught error. */
  assertAlive(): void {
    if (!this.alive || this.fatals.length > 0)
      throw new Error(`server child crashed: ${this.describeDeath()}`);
  }

  #command<T>(cmd: string, args?: unknown, ms = 5000): Promise<T> {
    if (!this.alive)
      return Promise.reject(new Error(`server child is dead: ${this.describeDeath()}`));
    const id = this.#nextId++;
    const reply = new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.#proc.send({ id, cmd, args });
    return withTimeout(reply, ms, `server child command "${cmd}"`).finally(() =>
      this.#pending.delete(id),
    );
  }

  health(): Promise<Health> {
    return this.#command<Health>("health");
  }

  /** `process.memoryUsage()` after two `gc()` runs. */
  memory(): Promise<NodeJS.MemoryUsage> {
    return this.#command<NodeJS.MemoryUsage>("memory");
  }

  /** Resolves with the first recorded event (from index `from` on) that matches; fails after `ms`. */
  waitForEvent(
    match: (e: ChildEvent) => boolean,
    what: string,
    ms = 5000,
    from = 0,
  ): Promise<ChildEvent> {
    let wake: (() => void) | undefined;
    const found = new Promise<ChildEvent>((resolve, reject) => {
      wake = () => {
        const hit = this.events.slice(from).find(match);
        if (hit !== undefined) resolve(hit);
        else if (!this.alive)
          reject(new Error(`server child died while waiting for ${what}: ${this.describeDeath()}`));
      };
      this.#eventWaiters.add(wake);
      wake();
    });
    return withTimeout(found, ms, what)
      .catch((err: Error) => {
        const seen = this.events
          .slice(from)
          .slice(-10)
          .map((e) => JSON.stringify(e));
        throw new Error(`${err.message}; last events recorded: ${seen.join(" ") || "none"}`);
      })
      .finally(() => this.#eventWaiters.delete(wake!));
  }

  /** Closes the server gracefully and waits for the process to exit (killed if it does not within 5 s). */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.#proc.once("exit", () => resolve()));
    try {
      await this.#command("close");
      await withTimeout(exited, 5000, "the server child to exit");
    } catch {
      this.#proc.kill("SIGKILL");
      await exited;
    }
  }
}

/**
 * One server child per test file, replaced before a test if an earlier attack crashed it (so one crash
 * fails one test, not the rest of the file), stopped after the file. Returns the current child.
 */
export function useServerChild(options: ChildOptions = {}): () => ServerChild {
  let child: ServerChild | undefined;
  beforeEach(async () => {
    if (child !== undefined && child.alive && child.fatals.length === 0) return;
    await child?.stop();
    child = await ServerChild.start(options);
  });
  afterAll(() => child?.stop());
  return () => child!;
}
