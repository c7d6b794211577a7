import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeadlineQueue } from "../src/deadline-queue.js";

describe("DeadlineQueue (connectTimeout)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("expires items in insertion order, each after the delay", () => {
    const expired: string[] = [];
    const queue = new DeadlineQueue<string>(100, (item) => expired.push(item));
    queue.add("a");
    vi.advanceTimersByTime(50);
    queue.add("b");
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(["a"]);
    vi.advanceTimersByTime(49);
    expect(expired).toEqual(["a"]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["a", "b"]);
    expect(queue.size).toBe(0);
  });

  it("deleted items never expire and an empty queue holds no timer", () => {
    const expired: string[] = [];
    const queue = new DeadlineQueue<string>(100, (item) => expired.push(item));
    queue.add("a");
    queue.add("b");
    queue.delete("a");
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(["b"]);
    queue.add("c");
    queue.delete("c");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("re-adding an item restarts its deadline; an throwing callback does not stop the others", () => {
    const expired: string[] = [];
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const queue = new DeadlineQueue<string>(100, (item) => {
      if (item === "bad") throw new Error("boom");
      expired.push(item);
    });
    queue.add("a");
    queue.add("bad");
    queue.add("c");
    vi.advanceTimersByTime(60);
    queue.add("a");
    vi.advanceTimersByTime(40);
    expect(expired).toEqual(["c"]);
    vi.advanceTimersByTime(60);
    expect(expired).toEqual(["c", "a"]);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });
});
