import { describe, expect, it } from "vitest";
import { Balancer, sidPrefix, workerOfSid } from "../src/balancer.js";

describe("Balancer", () => {
  it("routes a known sid to its worker while that worker is available, else balances", () => {
    const b = new Balancer("round-robin");
    b.bind("s1", 2);
    expect(b.route("s1", [1, 2])).toBe(2);
    expect(b.route("s1", [1, 3])).toBe(1); // worker 2 not available: balanced instead
    b.unbind("s1", 1); // not the holder: ignored
    expect(b.lookup("s1")).toBe(2);
    b.unbind("s1", 2);
    expect(b.lookup("s1")).toBeUndefined();
  });

  it("routes a prefixed sid to the worker it names even before the session is registered", () => {
    const b = new Balancer("round-robin");
    expect(workerOfSid(`${sidPrefix(7)}abcdef`)).toBe(7);
    expect(workerOfSid("abcdef")).toBeUndefined();
    expect(workerOfSid("0.abc")).toBeUndefined();
    expect(b.route("7.abc", [3, 7])).toBe(7);
    expect(b.route("9.abc", [3, 7])).toBe(3); // that worker is gone
  });

  it("round-robin rotates; random uses its source; nothing to pick from gives undefined", () => {
    const rr = new Balancer("round-robin");
    expect([1, 2, 3, 4].map(() => rr.pick([1, 2, 3]))).toEqual([1, 2, 3, 1]);
    expect(new Balancer("random", () => 0.99).pick([1, 2, 3])).toBe(3);
    expect(new Balancer("random", () => 0).pick([1, 2, 3])).toBe(1);
    expect(rr.pick([])).toBeUndefined();
  });

  it("least-connection picks the worker with the fewest live sessions, rotating among ties", () => {
    const b = new Balancer("least-connection");
    b.bind("a", 1);
    b.bind("b", 1);
    b.bind("c", 2);
    expect(b.pick([1, 2, 3])).toBe(3);
    b.bind("d", 3);
    expect(new Set([b.pick([1, 2, 3]), b.pick([1, 2, 3])])).toEqual(new Set([2, 3]));
    expect(b.sessions(1)).toBe(2);
    b.bind("a", 2); // re-bound: moves
    expect([b.sessions(1), b.sessions(2)]).toEqual([1, 2]);
    b.dropWorker(2);
    expect([b.size, b.sessions(2), b.lookup("c")]).toEqual([2, 0, undefined]);
  });
});
