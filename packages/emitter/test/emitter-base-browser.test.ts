// The browser build of the emitter (emitter-base.browser.ts, picked by the client bundle): component-emitter's
// API, which socket.io-client's browser users have had, with the Node build's semantics.
import { describe, expect, it, vi } from "vitest";

vi.mock("../src/emitter-base.js", async () => await import("../src/emitter-base.browser.js"));

const { Emitter } = await import("../src/index.js");
const { EmitterBase: BrowserBase } = await import("../src/emitter-base.browser.js");

type Fn = (...args: unknown[]) => void;
// The browser build's members, as a page sees them (the package's types describe the Node build).
interface BrowserEmitter {
  on(ev: string | symbol, fn: Fn): this;
  addEventListener(ev: string, fn: Fn): this;
  once(ev: string, fn: Fn): this;
  off(ev?: string, fn?: Fn): this;
  removeListener(ev?: string, fn?: Fn): this;
  removeAllListeners(ev?: string, fn?: Fn): this;
  removeEventListener(ev?: string, fn?: Fn): this;
  emit(ev: string | symbol, ...args: unknown[]): boolean;
  listeners(ev: string): Fn[];
  listenerCount(ev: string): number;
  hasListeners(ev: string): boolean;
}
const make = (): BrowserEmitter => new Emitter() as unknown as BrowserEmitter;

describe("browser emitter", () => {
  it("is the browser build", () => {
    expect(Object.getPrototypeOf(Emitter.prototype)).toBe(BrowserBase.prototype);
  });

  it("has component-emitter's members and leaves Node's extras to the Node build", () => {
    const em = make() as unknown as Record<string, unknown>;
    for (const m of [
      "on",
      "addEventListener",
      "once",
      "off",
      "removeListener",
      "removeAllListeners",
      "removeEventListener",
      "emit",
      "listeners",
      "hasListeners",
      "listenerCount",
    ]) {
      expect(typeof em[m], m).toBe("function");
    }
    for (const m of [
      "prependListener",
      "prependOnceListener",
      "eventNames",
      "setMaxListeners",
      "rawListeners",
    ])
      expect(em[m], m).toBeUndefined();
    expect(em.addEventListener).toBe(em.on);
    expect(em.removeEventListener).toBe(em.off);
  });

  it("calls listeners in order with every argument and `this`, and tells whether there were any", () => {
    const em = make();
    const calls: unknown[] = [];
    em.on("a", function (this: unknown, ...args: unknown[]) {
      calls.push(["1", this === em, args]);
    });
    em.addEventListener("a", (...args: unknown[]) => calls.push(["2", args]));
    expect(em.emit("a", 1, undefined, "x")).toBe(true);
    expect(em.emit("b")).toBe(false);
    expect(calls).toEqual([
      ["1", true, [1, undefined, "x"]],
      ["2", [1, undefined, "x"]],
    ]);
    const sym = Symbol("s");
    const seen: unknown[] = [];
    em.on(sym, (v) => seen.push(v));
    em.emit(sym, 7);
    expect(seen).toEqual([7]);
  });

  it("once fires once, even when re-emitted from inside a listener, and is removable by its listener", () => {
    const em = make();
    let n = 0;
    let depth = 0;
    em.on("a", () => {
      if (depth++ < 3) em.emit("a");
    });
    em.once("a", () => n++);
    em.emit("a");
    expect(n).toBe(1);
    const fn = vi.fn();
    em.once("b", fn);
    expect(em.listeners("b")).toEqual([fn]);
    em.off("b", fn);
    expect(em.emit("b")).toBe(false);
    expect(fn).not.toHaveBeenCalled();
  });

  it("off removes the most recent registration; with an event only, all of it; without arguments, everything", () => {
    const em = make();
    const out: string[] = [];
    const x = () => out.push("x");
    const y = () => out.push("y");
    em.on("a", x).on("a", y).on("a", x);
    em.off("a", x);
    em.emit("a");
    expect(out).toEqual(["x", "y"]);
    em.off("a", () => {}).off("nope", x);
    expect(em.listenerCount("a")).toBe(2);
    em.removeListener("a");
    expect(em.hasListeners("a")).toBe(false);
    em.on("a", x).on("b", y);
    em.removeEventListener("b", y);
    expect(em.hasListeners("b")).toBe(false);
    em.on("b", y);
    em.removeAllListeners();
    expect(em.hasListeners("a") || em.hasListeners("b")).toBe(false);
    expect(em.listenerCount("a")).toBe(0);
  });

  it("changes during an emit take effect from the next emit", () => {
    const em = make();
    const out: string[] = [];
    const late = () => out.push("late");
    const second = () => out.push("second");
    em.on("a", () => {
      out.push("first");
      em.on("a", late);
      em.off("a", second);
    });
    em.on("a", second);
    em.emit("a");
    expect(out).toEqual(["first", "second"]);
    out.length = 0;
    em.emit("a");
    expect(out).toEqual(["first", "late"]);
  });

  it("propagates a listener's exception and stays usable", () => {
    const em = make();
    em.once("a", () => {
      throw new Error("boom");
    });
    expect(() => em.emit("a")).toThrow("boom");
    expect(em.emit("a")).toBe(false);
    expect(em.emit("error", new Error("no listener"))).toBe(false);
  });

  it("keeps the protected emitters the client uses", () => {
    class Conn extends (Emitter as unknown as new () => BrowserEmitter & {
      emitReserved(ev: string, ...a: unknown[]): boolean;
      emitArgs(ev: string, a: unknown[]): boolean;
    }) {
      fire(): [boolean, boolean] {
        return [this.emitReserved("r", 1, 2), this.emitArgs("a", [3])];
      }
    }
    const conn = new Conn();
    const got: unknown[] = [];
    conn.on("r", (...a) => got.push(a));
    conn.on("a", (...a) => got.push(a));
    expect(conn.fire()).toEqual([true, true]);
    expect(got).toEqual([[1, 2], [3]]);
  });
});
