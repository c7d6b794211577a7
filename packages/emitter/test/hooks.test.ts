// The protected hooks of the Node emitter (wrapListener / unwrapListener / listenerHost) that the server's
// Socket, Namespace and Server use instead of overriding every listener method.
import { describe, expect, it } from "vitest";
import {
  Emitter,
  type EmitterBase,
  type EventName,
  type EventsMap,
  type Listener,
} from "../src/index.js";

type Events = Record<string, (...args: unknown[]) => void>;

/** Wraps every listener to record the calls; unwraps back to the user's function. */
class Wrapping extends Emitter<Events> {
  readonly seen: string[] = [];
  readonly #users = new WeakMap<Listener, Listener>();

  protected override wrapListener(ev: EventName, listener: Listener): Listener {
    const wrapper = (...args: unknown[]): unknown => {
      this.seen.push(String(ev));
      return (listener as (...a: unknown[]) => unknown)(...args);
    };
    this.#users.set(wrapper, listener);
    return wrapper;
  }

  protected override unwrapListener(stored: Listener): Listener {
    return this.#users.get(stored) ?? stored;
  }
}

/** Keeps its listeners on another emitter. */
class Facade extends Emitter<Events> {
  constructor(readonly inner: Wrapping) {
    super();
  }

  protected override listenerHost(): EmitterBase<EventsMap, EventsMap> {
    return this.inner as never;
  }
}

describe("listener hooks", () => {
  it("every registration goes through wrapListener; listeners() and off() see the user's function", () => {
    const em = new Wrapping();
    const calls: string[] = [];
    const a = (): number => calls.push("a");
    const b = (): number => calls.push("b");
    const c = (): number => calls.push("c");
    em.on("x", a).prependListener("x", b).addListener("x", c);
    em.once("x", a);
    expect(em.listeners("x")).toEqual([b, a, c, a]);
    em.emit("x");
    expect(calls).toEqual(["b", "a", "c", "a"]);
    expect(em.seen).toEqual(["x", "x", "x", "x"]);
    expect(em.listeners("x")).toEqual([b, a, c]);
    em.off("x", a);
    expect(em.listeners("x")).toEqual([b, c]);
    em.removeListener("x", b);
    expect(em.listeners("x")).toEqual([c]);
  });

  it("off() removes a once() registration through the wrapper, before it fired", () => {
    const em = new Wrapping();
    const fn = (): void => {};
    em.prependOnceListener("x", fn);
    expect(em.listeners("x")).toEqual([fn]);
    em.off("x", fn);
    expect(em.hasListeners("x")).toBe(false);
    expect(em.emit("x")).toBe(false);
  });

  it("listenerHost: listener management and introspection act on the host, which emits", () => {
    const inner = new Wrapping();
    const facade = new Facade(inner);
    const got: unknown[] = [];
    const fn = (v: unknown): number => got.push(v);
    facade.on("x", fn);
    expect(inner.listeners("x")).toEqual([fn]);
    expect(facade.listeners("x")).toEqual([fn]);
    expect(facade.listenerCount("x")).toBe(1);
    expect(facade.hasListeners("x")).toBe(true);
    expect(facade.eventNames()).toEqual(["x"]);
    inner.emit("x", 1);
    expect(got).toEqual([1]);
    expect(inner.seen).toEqual(["x"]); // the host's wrapper was applied
    facade.off("x", fn);
    expect(inner.hasListeners("x")).toBe(false);
    facade.once("y", fn);
    facade.removeAllListeners();
    expect(inner.eventNames()).toEqual([]);
  });
});
