import { describe, expect, it } from "vitest";
import { Emitter, EmitterBase, on, type Subscribable } from "../src/index.js";

interface Events {
  a: (...args: unknown[]) => void;
  b: (...args: unknown[]) => void;
}

interface Reserved {
  closed: (reason: string) => void;
}

class Conn extends Emitter<Events, Events, Reserved> {
  close(reason: string): boolean {
    return this.emitReserved("closed", reason);
  }
  dispatch(args: readonly unknown[]): boolean {
    return this.emitArgs("a", args);
  }
  raw(ev: string, ...args: unknown[]): boolean {
    return this.emitUntyped(ev, ...args);
  }
}

describe("Emitter: on / emit", () => {
  it("passes every argument count through unchanged (0 to 6), with `this` bound to the emitter", () => {
    const em = new Emitter<Events>();
    const seen: unknown[][] = [];
    const selves = new Set<unknown>();
    em.on("a", function (this: unknown, ...args: unknown[]) {
      selves.add(this);
      seen.push(args);
    });
    for (let n = 0; n <= 6; n++) em.emit("a", ...Array.from({ length: n }, (_, i) => i));
    expect(seen).toEqual([
      [],
      [0],
      [0, 1],
      [0, 1, 2],
      [0, 1, 2, 3],
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4, 5],
    ]);
    expect([...selves]).toEqual([em]);
  });

  it("keeps explicit undefined arguments (arity is observable by rest-parameter listeners)", () => {
    const em = new Emitter<Events>();
    let count = -1;
    em.on("a", (...args) => (count = args.length));
    em.emit("a", undefined, undefined);
    expect(count).toBe(2);
  });

  it("returns whether the event had listeners", () => {
    const em = new Emitter<Events>();
    expect(em.emit("a")).toBe(false);
    em.on("a", () => {});
    expect(em.emit("a")).toBe(true);
    expect(em.emit("b")).toBe(false);
  });

  it("calls listeners in registration order, prepended ones first", () => {
    const em = new Emitter<Events>();
    const order: string[] = [];
    em.on("a", () => order.push("1"));
    em.on("a", () => order.push("2"));
    em.prependListener("a", () => order.push("0"));
    em.addListener("a", () => order.push("3"));
    em.emit("a");
    expect(order).toEqual(["0", "1", "2", "3"]);
  });

  it("supports symbol event names", () => {
    const sym = Symbol("s");
    const em = new Emitter<Record<symbol, (x: number) => void>>();
    let got = 0;
    em.on(sym, (x) => (got = x));
    em.emit(sym, 7);
    expect(got).toBe(7);
    expect(em.eventNames()).toEqual([sym]);
  });

  it("does not throw when emitting 'error' without listeners", () => {
    const em = new Emitter<Record<string, (e: Error) => void>>();
    expect(em.emit("error", new Error("x"))).toBe(false);
  });

  it("propagates a listener exception and stays usable", () => {
    const em = new Emitter<Events>();
    const calls: number[] = [];
    em.on("a", () => {
      throw new Error("boom");
    });
    em.on("a", () => calls.push(1));
    expect(() => em.emit("a")).toThrow("boom");
    expect(calls).toEqual([]);
    em.removeAllListeners("a");
    em.on("a", () => calls.push(2));
    em.emit("a");
    expect(calls).toEqual([2]);
  });
});

describe("Emitter: once", () => {
  it("fires once, then is removed", () => {
    const em = new Emitter<Events>();
    const got: unknown[] = [];
    em.once("a", (x) => got.push(x));
    em.emit("a", 1);
    em.emit("a", 2);
    expect(got).toEqual([1]);
    expect(em.listenerCount("a")).toBe(0);
    expect(em.hasListeners("a")).toBe(false);
  });

  it("fires once even when the event is re-emitted from inside a listener", () => {
    const em = new Emitter<Events>();
    let calls = 0;
    let depth = 0;
    em.on("a", () => {
      if (depth++ < 3) em.emit("a");
    });
    em.once("a", () => calls++);
    em.emit("a");
    expect(depth).toBe(4);
    expect(calls).toBe(1);
  });

  it("can be removed with the original listener, and listeners() shows the original", () => {
    const em = new Emitter<Events>();
    const fn = (): void => {};
    em.once("a", fn);
    expect(em.listeners("a")).toEqual([fn]);
    em.off("a", fn);
    expect(em.emit("a")).toBe(false);
  });

  it("prependOnceListener runs first and once", () => {
    const em = new Emitter<Events>();
    const order: string[] = [];
    em.on("a", () => order.push("on"));
    em.prependOnceListener("a", () => order.push("once"));
    em.emit("a");
    em.emit("a");
    expect(order).toEqual(["once", "on", "on"]);
  });
});

describe("Emitter: off / removeAllListeners", () => {
  it("removes one registration of a listener, the most recent one", () => {
    const em = new Emitter<Events>();
    const order: string[] = [];
    const fn = (): void => void order.push("fn");
    em.on("a", fn);
    em.on("a", () => order.push("x"));
    em.on("a", fn);
    em.off("a", fn);
    em.emit("a");
    expect(order).toEqual(["fn", "x"]);
    expect(em.listenerCount("a")).toBe(2);
  });

  it("ignores an unknown listener or event", () => {
    const em = new Emitter<Events>();
    const fn = (): void => {};
    em.on("a", fn);
    em.off("a", () => {});
    em.off("b", fn);
    expect(em.listeners("a")).toEqual([fn]);
  });

  it("off(ev) removes every listener of ev; off() removes everything", () => {
    const em = new Emitter<Events>();
    em.on("a", () => {});
    em.on("a", () => {});
    em.on("b", () => {});
    em.off("a");
    expect(em.listenerCount("a")).toBe(0);
    expect(em.listenerCount("b")).toBe(1);
    em.off();
    expect(em.eventNames()).toEqual([]);
  });

  it("removeListener and removeAllListeners are aliases", () => {
    const em = new Emitter<Events>();
    const fn = (): void => {};
    em.on("a", fn).on("b", fn);
    em.removeListener("a", fn);
    expect(em.hasListeners("a")).toBe(false);
    em.on("a", fn);
    em.removeAllListeners();
    expect(em.hasListeners("a") || em.hasListeners("b")).toBe(false);
  });

  it("removing the middle one of three keeps the order of the rest", () => {
    const em = new Emitter<Events>();
    const order: number[] = [];
    const two = (): void => void order.push(2);
    em.on("a", () => order.push(1))
      .on("a", two)
      .on("a", () => order.push(3));
    em.off("a", two);
    em.emit("a");
    expect(order).toEqual([1, 3]);
  });
});

describe("Emitter: changes during emit take effect from the next emit", () => {
  it("a listener added during emit is not called by that emit", () => {
    const em = new Emitter<Events>();
    const order: string[] = [];
    em.on("a", () => {
      order.push("first");
      em.on("a", () => order.push("late"));
    });
    em.on("a", () => order.push("second"));
    em.emit("a");
    expect(order).toEqual(["first", "second"]);
    order.length = 0;
    em.off("a");
    em.on("a", () => {
      order.push("only");
      em.on("a", () => order.push("late"));
    });
    em.emit("a");
    expect(order).toEqual(["only"]);
  });

  it("a listener removed during emit is still called by that emit (no skipped neighbour)", () => {
    const em = new Emitter<Events>();
    const order: string[] = [];
    const second = (): void => void order.push("second");
    const third = (): void => void order.push("third");
    em.on("a", () => {
      order.push("first");
      em.off("a", second);
    });
    em.on("a", second);
    em.on("a", third);
    em.emit("a");
    expect(order).toEqual(["first", "second", "third"]);
    order.length = 0;
    em.emit("a");
    expect(order).toEqual(["first", "third"]);
  });
});

describe("Emitter: introspection and protected emitters", () => {
  it("listeners() returns a copy", () => {
    const em = new Emitter<Events>();
    const fn = (): void => {};
    em.on("a", fn);
    em.on("a", fn);
    const list = em.listeners("a");
    list.pop();
    expect(em.listenerCount("a")).toBe(2);
    expect(em.listeners("b")).toEqual([]);
  });

  it("setMaxListeners is stored and returned", () => {
    const em = new Emitter<Events>();
    expect(em.getMaxListeners()).toBe(0);
    expect(em.setMaxListeners(50)).toBe(em);
    expect(em.getMaxListeners()).toBe(50);
  });

  it("emitReserved, emitArgs and emitUntyped reach listeners", () => {
    const conn = new Conn();
    const got: unknown[] = [];
    conn.on("closed", (reason) => got.push(reason));
    conn.on("a", (...args) => got.push(args));
    expect(conn.close("bye")).toBe(true);
    const args = [1, 2, 3, 4, 5];
    expect(conn.dispatch(args)).toBe(true);
    expect(conn.raw("a", "x")).toBe(true);
    expect(conn.raw("nobody")).toBe(false);
    expect(got).toEqual(["bye", [1, 2, 3, 4, 5], ["x"]]);
  });
});

describe("EmitterBase", () => {
  /** A socket-like class whose `emit` sends elsewhere and returns `this`, as socket.io-client's Socket does. */
  class Outbox extends EmitterBase<
    { reply: (text: string) => void },
    { sent: (count: number) => void }
  > {
    readonly sent: unknown[][] = [];
    emit(ev: string, ...args: unknown[]): this {
      this.sent.push([ev, ...args]);
      this.emitReserved("sent", this.sent.length);
      return this;
    }
    receive(text: string): void {
      this.emitUntyped("reply", text);
    }
  }

  it("lets a subclass define its own emit while keeping listeners and protected emitters", () => {
    const box = new Outbox();
    const counts: number[] = [];
    const replies: string[] = [];
    box.on("sent", (n) => counts.push(n));
    box.on("reply", (t) => replies.push(t));
    expect(box.emit("a", 1).emit("b")).toBe(box);
    box.receive("pong");
    expect(box.sent).toEqual([["a", 1], ["b"]]);
    expect(counts).toEqual([1, 2]);
    expect(replies).toEqual(["pong"]);
  });
});

describe("on (subscribe helper)", () => {
  it("subscribes and returns the unsubscriber of that one registration", () => {
    const em = new Emitter<Events>();
    const seen: unknown[] = [];
    const other = (x: unknown): void => void seen.push(["other", x]);
    em.on("a", other);
    const off = on(em as unknown as Subscribable<Events>, "a", (x: unknown) => void seen.push(x));
    em.emit("a", 1);
    off();
    em.emit("a", 2);
    expect(seen).toEqual([["other", 1], 1, ["other", 2]]);
    expect(em.listenerCount("a")).toBe(1);
  });
});
