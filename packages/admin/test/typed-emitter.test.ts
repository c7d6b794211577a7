// The instrumentation stream's listener API over @switchboard/emitter: unsubscribers, `has`, isolation of a
// throwing listener (reported through report.ts, the others still called, `emit` does not throw).
import { afterEach, describe, expect, it, vi } from "vitest";
import { TypedEmitter } from "../src/typed-emitter.js";

interface Events {
  tick: (n: number) => void;
  other: () => void;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("TypedEmitter (admin)", () => {
  it("calls listeners in order; `on` returns the function removing that listener", () => {
    const em = new TypedEmitter<Events>();
    const seen: string[] = [];
    const offA = em.on("tick", (n) => seen.push(`a${n}`));
    em.on("tick", (n) => seen.push(`b${n}`));
    em.emit("tick", 1);
    offA();
    em.emit("tick", 2);
    expect(seen).toEqual(["a1", "b1", "b2"]);
  });

  it("has() follows on/off/removeAllListeners", () => {
    const em = new TypedEmitter<Events>();
    const fn = (): void => {};
    expect(em.has("other")).toBe(false);
    em.on("other", fn);
    expect(em.has("other")).toBe(true);
    em.off("other", fn);
    expect(em.has("other")).toBe(false);
    em.on("tick", () => {});
    em.removeAllListeners();
    expect(em.has("tick")).toBe(false);
  });

  it("a throwing listener is reported; the others still run and emit does not throw", () => {
    const reported = vi.spyOn(console, "error").mockImplementation(() => {});
    const em = new TypedEmitter<Events>();
    const boom = new Error("boom");
    const seen: number[] = [];
    em.on("tick", () => {
      throw boom;
    });
    em.on("tick", (n) => seen.push(n));
    expect(() => em.emit("tick", 7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(reported).toHaveBeenCalledWith(boom);
  });

  it("off() matches the user's function behind the guard", () => {
    const em = new TypedEmitter<Events>();
    const seen: number[] = [];
    const fn = (n: number): void => void seen.push(n);
    em.on("tick", fn);
    em.off("tick", fn);
    em.emit("tick", 1);
    expect(seen).toEqual([]);
  });
});
