// IpcNode's own behaviour, against a tiny child written here: ready and calls, answers with error codes, events,
// pending calls rejected when the child dies, start failures that quote the child's stderr, kill and stop.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { onCleanup, useCleanup } from "./cleanup.js";
import { IpcNode, type IpcMessage, type IpcNodeOptions } from "./ipc-node.js";

useCleanup();

// MODE picks what the child does: "ok" answers calls, "crash" dies before ready, "hang" never gets ready,
// "ignore-term" answers calls but survives SIGTERM.
const CHILD = `
const mode = process.env.MODE ?? "ok";
process.on("disconnect", () => process.exit(0));
if (mode === "crash") {
  process.stderr.write("boom: missing config\\n");
  process.exit(3);
}
if (mode === "hang") {
  process.stderr.write("still loading\\n");
  setInterval(() => undefined, 1000);
} else {
  if (mode === "ignore-term") process.on("SIGTERM", () => undefined);
  process.on("message", (msg) => {
    if (msg.cmd === "argv") process.send({ id: msg.id, result: process.argv.slice(2) });
    if (msg.cmd === "echo") process.send({ id: msg.id, result: { ...msg.args, env: process.env.EXTRA } });
    if (msg.cmd === "fail") process.send({ id: msg.id, error: { message: "nope", code: "E_NOPE" } });
    if (msg.cmd === "event") {
      process.send({ type: "tick", n: 7 });
      process.send({ id: msg.id, result: true });
    }
    // "never": no answer
  });
  process.send({ type: "ready", port: 4242 });
}
`;

function script(): string {
  const dir = mkdtempSync(join(tmpdir(), "sb-ipc-node-"));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "child.mjs");
  writeFileSync(file, CHILD);
  return file;
}

/** A node whose child runs in `mode`, killed after the test. */
function node(mode: string, options: Partial<IpcNodeOptions> = {}): IpcNode {
  const n = new IpcNode(
    { name: "T" },
    { script: script(), ...options, env: { MODE: mode, ...options.env } },
  );
  onCleanup(() => n.kill());
  return n;
}

class Ticking extends IpcNode {
  readonly events: IpcMessage[] = [];
  protected override onEvent(msg: IpcMessage): void {
    this.events.push(msg);
  }
}

describe("IpcNode", () => {
  it("resolves start with the reported port and answers calls, with env and args passed", async () => {
    const n = await node("ok", { env: { EXTRA: "x" }, args: ["--flag", "v"] }).start();
    expect(n.port).toBe(4242);
    expect(n.alive).toBe(true);
    expect(await n.call("echo", { a: 1 })).toEqual({ a: 1, env: "x" });
    expect(await n.call("argv")).toEqual(["--flag", "v"]);
  });

  it("rejects a call the child failed with its message and code", async () => {
    const n = await node("ok").start();
    await expect(n.call("fail")).rejects.toMatchObject({ message: "nope", code: "E_NOPE" });
  });

  it("hands messages that are not answers to onEvent", async () => {
    const n = new Ticking({ name: "T" }, { script: script(), env: { MODE: "ok" } });
    onCleanup(() => n.kill());
    await n.start();
    await n.call("event");
    expect(n.events).toEqual([{ type: "tick", n: 7 }]);
  });

  it("rejects pending calls when the child dies, and later calls as not running", async () => {
    const n = await node("ok").start();
    const pending = n.call("never");
    await n.kill();
    await expect(pending).rejects.toThrow("node T exited");
    expect(n.alive).toBe(false);
    await expect(n.call("echo")).rejects.toThrow("node T is not running");
  });

  it("bounds a call when callTimeoutMs is set", async () => {
    const n = await node("ok", { callTimeoutMs: 200 }).start();
    await expect(n.call("never")).rejects.toThrow("timed out after 200 ms waiting for T never");
  });

  it("fails a start the child dies in with its exit code and stderr tail", async () => {
    await expect(node("crash").start()).rejects.toThrow(
      /node T exited \(3\) before it was ready; its stderr ends with:\nboom: missing config/,
    );
  });

  it("fails a hung start after readyTimeoutMs, quoting stderr, and kills the child", async () => {
    const n = node("hang", { readyTimeoutMs: 500 });
    await expect(n.start()).rejects.toThrow(
      /node T was not ready within 500 ms; its stderr ends with:\nstill loading/,
    );
    expect(n.alive).toBe(false);
  });

  it("stop() ends a child by SIGTERM, and SIGKILLs one that ignores it after the grace", async () => {
    const polite = await node("ok").start();
    await polite.stop();
    expect(polite.alive).toBe(false);
    const stubborn = await node("ignore-term").start();
    await stubborn.stop(200);
    expect(stubborn.alive).toBe(false);
  });
});
