// bench/run.mjs rotates the servers' order from round to round, so that neither side always runs first.
import { describe, expect, it } from "vitest";
import { roundOrder } from "../../bench/lib/order.mjs";

describe("bench round order", () => {
  it("alternates a pair: A B, B A, A B", () => {
    const pair = ["switchboard", "socket.io"];
    expect([1, 2, 3, 4].map((r) => roundOrder(pair, r))).toEqual([
      ["switchboard", "socket.io"],
      ["socket.io", "switchboard"],
      ["switchboard", "socket.io"],
      ["socket.io", "switchboard"],
    ]);
  });

  it("puts each of three servers first once every three rounds, keeping all of them", () => {
    const three = ["a", "b", "c"];
    const firsts = [1, 2, 3].map((r) => roundOrder(three, r)[0]);
    expect(firsts).toEqual(["a", "b", "c"]);
    for (const r of [1, 2, 3, 7]) expect([...roundOrder(three, r)].sort()).toEqual(three);
    expect(three).toEqual(["a", "b", "c"]);
  });

  it("handles one server and none", () => {
    expect(roundOrder(["x"], 5)).toEqual(["x"]);
    expect(roundOrder([], 2)).toEqual([]);
  });
});
