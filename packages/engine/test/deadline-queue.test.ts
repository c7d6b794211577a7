import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { DeadlineNode, DeadlineQueue } from "../src/deadline-queue.js";

// The queue reads a monotonic clock; tests drive it with fake timers and Date.now.
const now = () => Date.now();

describe("DeadlineQueue", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test("expires an entry after the delay, not before", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(100, (v) => expired.push(v), { now, slack: 0 });
    q.push(new DeadlineNode("a"));
    vi.advanceTimersByTime(99);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["a"]);
    expect(q.size).toBe(0);
  });

  test("expires entries in push order, each at its own deadline", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(100, (v) => expired.push(v), { now, slack: 0 });
    q.push(new DeadlineNode("a"));
    vi.advanceTimersByTime(30);
    q.push(new DeadlineNode("b"));
    vi.advanceTimersByTime(30);
    q.push(new DeadlineNode("c"));
    vi.advanceTimersByTime(40);
    expect(expired).toEqual(["a"]);
    vi.advanceTimersByTime(30);
    expect(expired).toEqual(["a", "b"]);
    vi.advanceTimersByTime(30);
    expect(expired).toEqual(["a", "b", "c"]);
  });

  test("uses a single timer for any number of entries", () => {
    const q = new DeadlineQueue<number>(1000, () => {}, { now });
    for (let i = 0; i < 500; i++) q.push(new DeadlineNode(i));
    expect(vi.getTimerCount()).toBe(1);
    expect(q.size).toBe(500);
  });

  test("removing the head, a middle and the tail entry keeps the others", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(50, (v) => expired.push(v), { now, slack: 0 });
    const nodes = ["a", "b", "c", "d", "e"].map((v) => new DeadlineNode(v));
    for (const n of nodes) q.push(n);
    q.remove(nodes[0]!);
    q.remove(nodes[2]!);
    q.remove(nodes[4]!);
    expect(q.size).toBe(2);
    expect(nodes[2]!.queued).toBe(false);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(["b", "d"]);
  });

  test("removing the last entry stops the timer; remove is idempotent", () => {
    const q = new DeadlineQueue<string>(50, () => {}, { now });
    const n = new DeadlineNode("a");
    q.push(n);
    expect(vi.getTimerCount()).toBe(1);
    q.remove(n);
    q.remove(n);
    expect(vi.getTimerCount()).toBe(0);
    expect(q.size).toBe(0);
  });

  test("pushing again resets the deadline (moves the entry to the tail)", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(100, (v) => expired.push(v), { now, slack: 0 });
    const a = new DeadlineNode("a");
    q.push(a);
    q.push(new DeadlineNode("b"));
    vi.advanceTimersByTime(60);
    q.push(a);
    vi.advanceTimersByTime(40);
    expect(expired).toEqual(["b"]);
    vi.advanceTimersByTime(60);
    expect(expired).toEqual(["b", "a"]);
  });

  test("re-pushing the only entry keeps the timer and moves its deadline", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(100, (v) => expired.push(v), { now, slack: 0 });
    const a = new DeadlineNode("a");
    const clear = vi.spyOn(globalThis, "clearTimeout");
    try {
      q.push(a);
      vi.advanceTimersByTime(60);
      q.push(a);
      expect(clear).not.toHaveBeenCalled();
      expect(vi.getTimerCount()).toBe(1);
      expect(q.size).toBe(1);
      vi.advanceTimersByTime(99);
      expect(expired).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(expired).toEqual(["a"]);
      expect(q.size).toBe(0);
    } finally {
      clear.mockRestore();
    }
  });

  test("a node moves between queues (ping queue → pong queue)", () => {
    const log: string[] = [];
    const pong = new DeadlineQueue<string>(30, (v) => log.push(`timeout ${v}`), { now, slack: 0 });
    const ping = new DeadlineQueue<string>(100, (v) => log.push(`ping ${v}`), { now, slack: 0 });
    const n = new DeadlineNode("s");
    ping.push(n);
    pong.push(n);
    expect(ping.size).toBe(0);
    expect(pong.size).toBe(1);
    vi.advanceTimersByTime(100);
    expect(log).toEqual(["timeout s"]);
  });

  test("entries re-pushed from the callback wait a full delay (no busy loop)", () => {
    let count = 0;
    const node = new DeadlineNode("x");
    const q = new DeadlineQueue<string>(
      10,
      () => {
        count++;
        q.push(node);
      },
      { now },
    );
    q.push(node);
    vi.advanceTimersByTime(100);
    expect(count).toBe(10);
  });

  test("entries within the slack expire together in one timer run", () => {
    const expired: number[] = [];
    const q = new DeadlineQueue<number>(100, (v) => expired.push(v), { now, slack: 5 });
    q.push(new DeadlineNode(1));
    vi.advanceTimersByTime(3);
    q.push(new DeadlineNode(2));
    vi.advanceTimersByTime(10);
    q.push(new DeadlineNode(3));
    vi.advanceTimersByTime(87);
    expect(expired).toEqual([1, 2]);
    vi.advanceTimersByTime(13);
    expect(expired).toEqual([1, 2, 3]);
  });

  test("an exception in the callback is reported and the other entries still expire", () => {
    const errors: unknown[] = [];
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(
      10,
      (v) => {
        if (v === "bad") throw new Error("boom");
        expired.push(v);
      },
      { now, slack: 0, onError: (e) => errors.push(e) },
    );
    q.push(new DeadlineNode("bad"));
    q.push(new DeadlineNode("good"));
    vi.advanceTimersByTime(10);
    expect(expired).toEqual(["good"]);
    expect(errors).toHaveLength(1);
  });

  test("clear() drops every entry and the timer", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(10, (v) => expired.push(v), { now });
    const nodes = [new DeadlineNode("a"), new DeadlineNode("b")];
    for (const n of nodes) q.push(n);
    q.clear();
    expect(q.size).toBe(0);
    expect(nodes.every((n) => !n.queued)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual([]);
  });

  test("refuses a non-positive delay", () => {
    expect(() => new DeadlineQueue(0, () => {})).toThrow(RangeError);
  });

  test("uses performance.now by default", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(20, (v) => expired.push(v));
    q.push(new DeadlineNode("a"));
    vi.advanceTimersByTime(20);
    expect(expired).toEqual(["a"]);
  });
});

// The value-keyed API (`add` / `delete` / `has`), the shape the Socket.IO server uses for connectTimeout.
describe("DeadlineQueue by value", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test("values expire in the order they were added, each after the delay", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(100, (v) => expired.push(v), { now, slack: 0 });
    q.add("a");
    vi.advanceTimersByTime(40);
    q.add("b");
    vi.advanceTimersByTime(60);
    expect(expired).toEqual(["a"]);
    expect(q.has("a")).toBe(false);
    expect(q.has("b")).toBe(true);
    vi.advanceTimersByTime(39);
    expect(expired).toEqual(["a"]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["a", "b"]);
    expect(q.size).toBe(0);
  });

  test("a deleted value never expires; deleting the last one stops the timer", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(100, (v) => expired.push(v), { now, slack: 0 });
    q.add("a");
    q.add("b");
    expect(q.delete("a")).toBe(true);
    expect(q.delete("a")).toBe(false);
    expect(q.delete("never added")).toBe(false);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(["b"]);
    q.add("c");
    q.delete("c");
    expect(vi.getTimerCount()).toBe(0);
  });

  test("adding a queued value again restarts its delay; values and links share one queue", () => {
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(100, (v) => expired.push(v), { now, slack: 0 });
    q.add("a");
    q.push(new DeadlineNode("link"));
    vi.advanceTimersByTime(50);
    q.add("a");
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(["link"]);
    expect(q.size).toBe(1);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(["link", "a"]);
    // expired values are forgotten: adding again queues them anew
    q.add("a");
    expect(q.has("a")).toBe(true);
    q.clear();
    expect(q.has("a")).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("without onError, an exception goes to console.error and the other values still expire", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(10, (v) => {
      if (v === "bad") throw new Error("boom");
      expired.push(v);
    });
    q.add("bad");
    q.add("good");
    vi.advanceTimersByTime(10);
    expect(expired).toEqual(["good"]);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });
});
