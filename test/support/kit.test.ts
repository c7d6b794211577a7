// The test kit's own behaviour: waits that fail with a message naming what was awaited, event-driven waitFor,
// a cleanup registry that runs everything and reports a failing strict task, and servers on loopback.
import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { createServer } from "node:http";
import { Cleanup, cleanup, useCleanup } from "./cleanup.js";
import { closeHttp, listen, startHttp } from "./net.js";
import { collect, countdown, once, waitFor, waitUntil, withTimeout } from "./wait.js";

useCleanup();

describe("wait", () => {
  it("once resolves with the arguments of the next emission that passes the filter", async () => {
    const em = new EventEmitter();
    const got = once<[number, string]>(em, "x", { filter: (n) => n > 1 });
    em.emit("x", 1, "skipped");
    em.emit("x", 2, "taken");
    expect(await got).toEqual([2, "taken"]);
    expect(em.listenerCount("x")).toBe(0);
  });

  it("once rejects after its bound, naming the event, and removes its listener", async () => {
    const em = new EventEmitter();
    await expect(once(em, "never", 20)).rejects.toThrow(
      'timed out after 20 ms waiting for "never"',
    );
    expect(em.listenerCount("never")).toBe(0);
  });

  it("bounds run on the real clock: advancing fake timers does not expire a wait", async () => {
    vi.useFakeTimers();
    try {
      const em = new EventEmitter();
      const got = once(em, "later", 1000);
      vi.advanceTimersByTime(60_000);
      em.emit("later", "ok");
      expect(await got).toEqual(["ok"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("withTimeout passes a settled value through", async () => {
    expect(await withTimeout(Promise.resolve(7), 50, "seven")).toBe(7);
  });

  it("waitFor re-checks on the given events and fails with its description", async () => {
    const em = new EventEmitter();
    let n = 0;
    const done = waitFor(() => n === 2, "n is 2", { on: [[em, "change"]] });
    n = 1;
    em.emit("change");
    n = 2;
    em.emit("change");
    await done;
    expect(em.listenerCount("change")).toBe(0);
    await expect(waitFor(() => false, "the impossible", 20)).rejects.toThrow("the impossible");
  });

  it("waitUntil takes an asynchronous condition", async () => {
    let calls = 0;
    await waitUntil(async () => ++calls === 3, "third call", 1000, 1);
    expect(calls).toBe(3);
  });

  it("collect and countdown", async () => {
    const em = new EventEmitter();
    const values = collect<number>(em, "v", 2);
    em.emit("v", 1);
    em.emit("v", 2);
    em.emit("v", 3);
    expect(await values).toEqual([1, 2]);
    const c = countdown(2);
    c.tick();
    c.tick();
    await c.done;
  });
});

describe("cleanup", () => {
  it("runs every task, last first, and rethrows the first strict failure", async () => {
    const registry = new Cleanup();
    const order: string[] = [];
    registry.add(() => order.push("first"));
    registry.add(() => {
      order.push("strict");
      throw new Error("server did not close");
    }, true);
    registry.add(() => {
      order.push("lenient");
      throw new Error("already closed");
    });
    await expect(registry.run()).rejects.toThrow("server did not close");
    expect(order).toEqual(["lenient", "strict", "first"]);
    expect(registry.size).toBe(0);
    await registry.run(); // nothing left
  });
});

describe("net", () => {
  it("listens on loopback port 0 and closes with open connections", async () => {
    const http = createServer((_req, res) => res.end("hi"));
    const port = await listen(http);
    expect(http.address()).toMatchObject({ address: "127.0.0.1", port });
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe("hi");
    await closeHttp(http);
    expect(http.listening).toBe(false);
  });

  it("startHttp registers the server for cleanup", async () => {
    const started = await startHttp((_req, res) => res.end("ok"));
    expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
    expect(cleanup.size).toBe(1);
    await cleanup.run();
    expect(started.http.listening).toBe(false);
  });
});
