// Starts the cluster fixture in a child process and gives tests its URL; raw-socket helpers for the
// garbage tests. Everything started here is killed by stopAll() (afterEach).
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { io, type Socket } from "socket.io-client";

const fixture = fileURLToPath(new URL("./fixtures/cluster-app.mjs", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface RunningCluster {
  url: string;
  port: number;
  workers: number[];
  child: ChildProcess;
  /** Everything the cluster wrote to stderr (worker exits, crashes). */
  stderr(): string;
}

const children = new Set<ChildProcess>();
const sockets = new Set<Socket>();

export async function startCluster(env: Record<string, string> = {}): Promise<RunningCluster> {
  const child = spawn(process.execPath, [fixture], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const info = await new Promise<{ port: number; workers: number[] }>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line) as { port: number; workers: number[] });
    });
    child.once("exit", (code) => reject(new Error(`cluster fixture exited (${code}): ${err}`)));
  });
  return {
    url: `http://127.0.0.1:${info.port}`,
    port: info.port,
    workers: info.workers,
    child,
    stderr: () => err,
  };
}

/** An official socket.io-client, closed by stopAll(). */
export function client(url: string, opts: Parameters<typeof io>[1] = {}): Socket {
  const socket = io(url, { forceNew: true, reconnection: false, ...opts });
  sockets.add(socket);
  return socket;
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

export async function stopAll(): Promise<void> {
  for (const s of sockets) s.disconnect();
  sockets.clear();
  await Promise.all(
    [...children].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once("exit", () => resolve());
          c.kill("SIGTERM");
        }),
    ),
  );
  children.clear();
}

/** Sends `data` on a fresh TCP connection and resolves with everything received until the server closes. */
export function rawRequest(
  port: number,
  data: string | Buffer,
  opts: { end?: boolean } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: "127.0.0.1" });
    let received = "";
    sock.on("data", (d: Buffer) => (received += d.toString("latin1")));
    sock.on("error", () => undefined); // a reset after the answer is fine: the answer is what we check
    sock.on("close", () => resolve(received));
    sock.write(data, () => {
      if (opts.end) sock.end();
    });
  });
}

/** Status line of a raw HTTP response. */
export function statusLine(response: string): string {
  return response.slice(0, response.indexOf("\r\n"));
}
