// The order appends reach Redis in when some fail and are retried (issue #15): retries go out in the order the
// appends were made, even when a first attempt fails long after later appends were made (a Redis client's offline
// queue failing its commands late), and nothing is re-sent while Redis is away. Redis itself is played by a stand-in
// whose every command is answered by the test, so each interleaving is reached on purpose, not by chance.
import { describe, expect, it, vi } from "vitest";
import { AppendQueue } from "../src/append-queue.js";
import type { Commands } from "../src/client.js";

/** A reply error as both clients shape it. */
function reply(message: string): Error {
  const err = new Error(message);
  err.name = "ReplyError";
  return err;
}

interface Pending {
  label: string;
  resolve: (id: string) => void;
  reject: (err: unknown) => void;
}

function standIn(opts: { notStarted?: boolean } = {}) {
  let up = true;
  const sent: Pending[] = [];
  const cmds = {
    ready: () => up,
    notStarted: () => opts.notStarted ?? false,
  } as unknown as Commands;
  const q = new AppendQueue(cmds);
  const send = (label: string) => () =>
    new Promise<string>((resolve, reject) => sent.push({ label, resolve, reject }));
  const append = (n: number) => q.run(send(`first ${n}`), send(`retry ${n}`));
  const take = (label: string): Pending => {
    const i = sent.findIndex((p) => p.label === label);
    if (i < 0) throw new Error(`${label} not sent; sent: ${sent.map((p) => p.label).join(", ")}`);
    return sent.splice(i, 1)[0] as Pending;
  };
  return { q, sent, append, take, setUp: (v: boolean) => (up = v) };
}

describe("AppendQueue", () => {
  it("retries in the order the appends were made when an earlier first attempt fails late", async () => {
    vi.useFakeTimers();
    try {
      const r = standIn();
      const results = [1, 2, 3].map((n) => r.append(n));
      expect(r.sent.map((p) => p.label)).toEqual(["first 1", "first 2", "first 3"]);
      r.take("first 1").reject(reply("NOSCRIPT No matching script."));
      await vi.advanceTimersByTimeAsync(0);
      const fourth = r.append(4); // the line is not empty: it waits behind 1
      // Retry 1 goes out: nothing earlier than 1 is unanswered.
      r.take("retry 1").resolve("1-0");
      await vi.advanceTimersByTimeAsync(200);
      // 2 and 3 are still unanswered, so 4 must not be sent yet.
      expect(r.sent.map((p) => p.label)).toEqual(["first 2", "first 3"]);
      r.take("first 3").reject(reply("NOSCRIPT No matching script."));
      r.take("first 2").reject(reply("NOSCRIPT No matching script."));
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        await vi.advanceTimersByTimeAsync(60);
        const next = r.sent.shift() as Pending;
        order.push(next.label);
        next.resolve(`${order.length + 1}-0`);
      }
      expect(order).toEqual(["retry 2", "retry 3", "retry 4"]);
      expect(await Promise.all([...results, fourth])).toEqual(["1-0", "2-0", "3-0", "4-0"]);
      expect(r.q.waiting).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("waits while Redis is away, then sends the waiting appends one by one in order", async () => {
    vi.useFakeTimers();
    try {
      const r = standIn();
      const a = r.append(1);
      r.setUp(false);
      r.take("first 1").reject(new Error("Connection is closed."));
      await vi.advanceTimersByTimeAsync(0);
      const b = r.append(2);
      await vi.advanceTimersByTimeAsync(500);
      expect(r.sent).toEqual([]);
      expect(r.q.waiting).toBe(2);
      r.setUp(true);
      await vi.advanceTimersByTimeAsync(60);
      expect(r.sent.map((p) => p.label)).toEqual(["retry 1"]);
      // Still LOADING: the same append is tried again, and 2 stays behind it.
      r.take("retry 1").reject(reply("LOADING Redis is loading the dataset in memory"));
      await vi.advanceTimersByTimeAsync(60);
      r.take("retry 1").resolve("1-0");
      await vi.advanceTimersByTimeAsync(0);
      r.take("retry 2").resolve("2-0");
      expect(await Promise.all([a, b])).toEqual(["1-0", "2-0"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps appends made while Redis is away out of the client's offline queue", async () => {
    vi.useFakeTimers();
    try {
      const r = standIn();
      r.setUp(false);
      const a = r.append(1);
      await vi.advanceTimersByTimeAsync(200);
      expect(r.sent).toEqual([]);
      r.setUp(true);
      await vi.advanceTimersByTimeAsync(60);
      r.take("retry 1").resolve("1-0");
      expect(await a).toBe("1-0");
      // An ioredis client with lazyConnect is not ready until its first command: that one is sent.
      const lazy = standIn({ notStarted: true });
      lazy.setUp(false);
      const b = lazy.append(1);
      lazy.take("first 1").resolve("1-0");
      expect(await b).toBe("1-0");
    } finally {
      vi.useRealTimers();
    }
  });

  it("fails an append at once on an error that retrying cannot fix, and rejects the waiting ones on close", async () => {
    const r = standIn();
    const bad = r.append(1);
    r.take("first 1").reject(reply("ERR wrong number of arguments"));
    await expect(bad).rejects.toThrow(/wrong number/);
    const waiting = r.append(2);
    r.setUp(false);
    r.take("first 2").reject(new Error("Connection is closed."));
    await new Promise((res) => setImmediate(res));
    expect(r.q.waiting).toBe(1);
    r.q.close();
    await expect(waiting).rejects.toThrow(/adapter closed/);
  });
});
