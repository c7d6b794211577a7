// Starting the server and load-generator processes, pinned to separate cores with `taskset` when possible,
// and talking to them over IPC.
import { spawn, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

let tasksetOk;
/** True when `taskset` works here and there are at least two cores to split. */
export function canPin() {
  if (tasksetOk === undefined) {
    tasksetOk =
      availableParallelism() >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  }
  return tasksetOk;
}

/**
 * Forks `node [execArgv] script [args]` with an IPC channel, under `taskset -c <cpu>` when `cpu` is set and
 * pinning works. Resolves once the child sent its `{ ready: true }` message.
 * @returns {Promise<{ child: import("node:child_process").ChildProcess, ready: any, call: (msg: object) => Promise<any> }>}
 */
export function startNode(script, args, { cpu, execArgv = [], timeoutMs = 20_000 } = {}) {
  const pin = cpu !== undefined && canPin();
  const cmd = pin ? "taskset" : process.execPath;
  const argv = pin
    ? ["-c", String(cpu), process.execPath, ...execArgv, script, ...args]
    : [...execArgv, script, ...args];
  const child = spawn(cmd, argv, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const calls = new Map();
  let nextId = 0;
  child.on("message", (m) => {
    if (m && m.id !== undefined && calls.has(m.id)) {
      const cb = calls.get(m.id);
      calls.delete(m.id);
      cb(m);
    }
  });
  child.on("exit", () => {
    for (const cb of calls.values()) cb({ error: "process exited" });
    calls.clear();
  });
  /** Request/response over IPC: the child echoes `id` in its reply. */
  const call = (msg) =>
    new Promise((resolve) => {
      if (!child.connected) return resolve({ error: "process not connected" });
      const id = nextId++;
      calls.set(id, resolve);
      child.send({ ...msg, id });
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not start`));
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
    child.on("message", function onReady(m) {
      if (!m?.ready) return;
      clearTimeout(timer);
      child.off("message", onReady);
      resolve({ child, ready: m, call });
    });
  });
}

/** Kills a child we started (by its pid) and waits for it to go. */
export function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, 2000);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
