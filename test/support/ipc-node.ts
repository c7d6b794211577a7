// A server node in a child process, driven over IPC: the mechanics the multi-process test helpers share. The
// child reports `{ type: "ready", port }` once it listens, then answers `{ id, cmd, args }` with `{ id, result }`
// or `{ id, error: { message, code? } }`; any other message it sends is an event (see `onEvent`).
import { fork, type ChildProcess } from "node:child_process";
import { withTimeout } from "./wait.js";

/** How much of the child's stderr a start failure quotes (the end of it). */
const STDERR_TAIL_CHARS = 2000;

/** What a child sends over IPC (the parts the parent reads). */
export interface IpcMessage {
  type?: string;
  id?: number;
  port?: number;
  result?: unknown;
  error?: IpcError;
  [key: string]: unknown;
}

/** How the child reports a failed command. */
export interface IpcError {
  message: string;
  code?: string;
}

/** What a node is started from: at least a name, which every error message quotes. */
export interface IpcNodeSpec {
  name: string;
}

export interface IpcNodeOptions {
  /** The module the child runs. */
  script: string;
  /** Environment of the child, over a copy of `process.env` (`undefined` removes a variable). */
  env?: Record<string, string | undefined>;
  args?: readonly string[];
  execArgv?: readonly string[];
  /** Bound on the ready message, in ms (default 15 000); the child is killed when it passes. */
  readyTimeoutMs?: number;
  /** Bound on each call, in ms; without it a call waits for its answer or the child's exit. */
  callTimeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * One child process that listens on a port and answers numbered IPC calls. Its stderr still reaches the test
 * output, and its tail is quoted when the child dies or hangs before it is ready. Subclasses turn their `spec`
 * into the script and environment, and may override {@link IpcNode.onEvent} and {@link IpcNode.replyError}.
 * @example
 * const node = await new IpcNode({ name: "A" }, { script, env: { SB_KEY: key } }).start();
 * const stats = await node.call<{ sockets: number }>("stats");
 * await node.kill();
 */
export class IpcNode<S extends IpcNodeSpec = IpcNodeSpec> {
  /** What the node was started from. */
  readonly spec: S;
  /** The port the child listens on (0 until it is ready). */
  port = 0;
  readonly #options: IpcNodeOptions;
  #child: ChildProcess | undefined;
  #seq = 0;
  #stderrTail = "";
  readonly #pending = new Map<number, Pending>();

  constructor(spec: S, options: IpcNodeOptions) {
    this.spec = spec;
    this.#options = options;
  }

  get name(): string {
    return this.spec.name;
  }

  /** True while the child process runs (started and not exited). */
  get alive(): boolean {
    const c = this.#child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** Forks the child and resolves once it reports its port; rejects (quoting its stderr) if it never does. */
  async start(): Promise<this> {
    if (this.alive) throw new Error(`node ${this.name} is already running`);
    const { script, env, args = [], execArgv, readyTimeoutMs = 15_000 } = this.#options;
    this.#stderrTail = "";
    const child = fork(script, [...args], {
      env: { ...process.env, ...env },
      ...(execArgv === undefined ? {} : { execArgv: [...execArgv] }),
      // stderr is piped (and passed on) only to keep its tail for the error of a failed start.
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    this.#child = child;
    child.on("error", () => undefined); // a failed spawn or send: the ready wait / the call reports it
    child.stderr?.on("error", () => undefined);
    child.stderr?.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    child.on("message", (msg: IpcMessage | null) => {
      if (msg !== null && typeof msg === "object") this.#receive(msg);
    });
    child.once("exit", () => {
      for (const p of this.#pending.values()) p.reject(new Error(`node ${this.name} exited`));
      this.#pending.clear();
    });

    const ready = new Promise<number>((resolve, reject) => {
      child.on("message", (m: IpcMessage | null) => {
        if (m?.type === "ready" && m.port) resolve(m.port);
      });
      child.once("error", (err) =>
        reject(new Error(`node ${this.name} could not start`, { cause: err })),
      );
      // "close" rather than "exit": by then the stderr pipe is drained, so the tail is complete.
      child.once("close", (code, signal) =>
        reject(this.#startFailure(`exited (${signal ?? code}) before it was ready`)),
      );
    });
    this.port = await withTimeout(ready, readyTimeoutMs, "ready").catch(async (err: unknown) => {
      if (!this.alive) throw err;
      await this.kill(); // a hung start: end the child, so nothing is left running
      throw this.#startFailure(`was not ready within ${readyTimeoutMs} ms`);
    });
    return this;
  }

  /**
   * Runs command `cmd` in the child; resolves with its result, rejects with {@link IpcNode.replyError} of its
   * error, or when the child exits first (or the call bound passes).
   */
  call<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const child = this.#child;
    if (child === undefined || !child.connected)
      return Promise.reject(new Error(`node ${this.name} is not running`));
    const id = ++this.#seq;
    const answer = new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, cmd, args }, (err) => {
        if (err === null || !this.#pending.delete(id)) return;
        reject(new Error(`node ${this.name}: cannot send ${cmd}`, { cause: err }));
      });
    });
    const { callTimeoutMs } = this.#options;
    if (callTimeoutMs === undefined) return answer;
    return withTimeout(answer, callTimeoutMs, `${this.name} ${cmd}`).finally(() =>
      this.#pending.delete(id),
    );
  }

  /** Sends `sig` without waiting (SIGSTOP / SIGCONT hang and wake the node); a no-op once it exited. */
  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.#child?.kill(sig);
  }

  /** Sends `sig` (default SIGKILL: a crash, nothing closed) and resolves once the child exited. */
  async kill(sig: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.alive) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill(sig);
    await gone;
  }

  /**
   * Sends `sig` (default SIGTERM: the fixture closes its server) and resolves once the child exited, SIGKILLing
   * it if it is still there after `graceMs`.
   */
  async stop(graceMs = 10_000, sig: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.alive) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill(sig);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await gone;
    clearTimeout(timer);
  }

  /** A message that is neither the ready report nor an answer (ignored unless a subclass wants it). */
  protected onEvent(_msg: IpcMessage): void {}

  /** The rejection of a call the child answered with `error` (its message, and its `code` when it sent one). */
  protected replyError(error: IpcError): Error {
    const err = new Error(error.message);
    return error.code === undefined ? err : Object.assign(err, { code: error.code });
  }

  #receive(msg: IpcMessage): void {
    if (msg.type === "ready") return;
    if (msg.id === undefined) return this.onEvent(msg);
    const p = this.#pending.get(msg.id);
    if (p === undefined) return;
    this.#pending.delete(msg.id);
    if (msg.error) p.reject(this.replyError(msg.error));
    else p.resolve(msg.result);
  }

  #startFailure(what: string): Error {
    const tail = this.#stderrTail.trim();
    return new Error(`node ${this.name} ${what}${tail ? `; its stderr ends with:\n${tail}` : ""}`);
  }
}
