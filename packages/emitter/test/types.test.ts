/* eslint-disable @typescript-eslint/no-empty-object-type -- user code written against socket.io spells the empty map `{}` */
// Type tests: checked by `tsc -p tsconfig.test.json` (expectTypeOf and @ts-expect-error); the `it` blocks
// only make vitest count the file. socket.io's own typed-events declarations are the oracle.
import { describe, expectTypeOf, it } from "vitest";
import type * as SIO from "../../../node_modules/socket.io/dist/typed-events.js";
import type * as SB from "../src/index.js";
import { Emitter } from "../src/index.js";

interface Events {
  noArg: () => void;
  basic: (a: number, b: string) => void;
  withAck: (d: string, cb: (e: number) => void) => void;
  ackOnly: (cb: (e: number) => void) => void;
  ackWithErr: (cb: (err: Error, e: number) => void) => void;
  ackNoArgs: (cb: () => void) => void;
  ackTwo: (x: boolean, cb: (a: string, b: number) => void) => void;
  optional: (a?: string) => void;
  rest: (...args: number[]) => void;
  optionalAck: (a: string, cb?: (n: number) => void) => void;
}

interface Reserved {
  connect: () => void;
  closed: (reason: string, code: number) => void;
}

describe("helper types match socket.io's", () => {
  it("event names, params and listeners", () => {
    expectTypeOf<SB.EventNames<Events>>().toEqualTypeOf<SIO.EventNames<Events>>();
    expectTypeOf<SB.EventParams<Events, "withAck">>().toEqualTypeOf<
      SIO.EventParams<Events, "withAck">
    >();
    expectTypeOf<SB.ReservedOrUserEventNames<Reserved, Events>>().toEqualTypeOf<
      SIO.ReservedOrUserEventNames<Reserved, Events>
    >();
    expectTypeOf<SB.ReservedOrUserListener<Reserved, Events, "closed">>().toEqualTypeOf<
      SIO.ReservedOrUserListener<Reserved, Events, "closed">
    >();
    expectTypeOf<SB.ReservedOrUserListener<Reserved, Events, "basic">>().toEqualTypeOf<
      SIO.ReservedOrUserListener<Reserved, Events, "basic">
    >();
    expectTypeOf<SB.EventNames<SB.DefaultEventsMap>>().toEqualTypeOf<
      SIO.EventNames<SIO.DefaultEventsMap>
    >();
  });

  it("ack-related names", () => {
    expectTypeOf<SB.EventNamesWithAck<Events>>().toEqualTypeOf<SIO.EventNamesWithAck<Events>>();
    expectTypeOf<SB.EventNamesWithAck<Events>>().toEqualTypeOf<
      "withAck" | "ackOnly" | "ackWithErr" | "ackNoArgs" | "ackTwo"
    >();
    expectTypeOf<SB.EventNamesWithoutAck<Events>>().toEqualTypeOf<
      SIO.EventNamesWithoutAck<Events>
    >();
    expectTypeOf<SB.EventNamesWithError<Events>>().toEqualTypeOf<SIO.EventNamesWithError<Events>>();
    expectTypeOf<SB.EventNamesWithError<Events>>().toEqualTypeOf<"ackWithErr">();
    expectTypeOf<SB.RemoveAcknowledgements<Events>>().toEqualTypeOf<
      SIO.RemoveAcknowledgements<Events>
    >();
    expectTypeOf<keyof SB.EventsWithAck<Events>>().toEqualTypeOf<SB.EventNamesWithAck<Events>>();
    // With the default (any) map every name qualifies, as in socket.io.
    expectTypeOf<SB.EventNamesWithAck<SB.DefaultEventsMap>>().toEqualTypeOf<
      SIO.EventNamesWithAck<SIO.DefaultEventsMap>
    >();
    expectTypeOf<SB.EventNamesWithoutAck<SB.DefaultEventsMap>>().toEqualTypeOf<
      SIO.EventNamesWithoutAck<SIO.DefaultEventsMap>
    >();
  });

  it("decorated acknowledgements", () => {
    expectTypeOf<SB.DecorateAcknowledgements<Events>>().toEqualTypeOf<
      SIO.DecorateAcknowledgements<Events>
    >();
    expectTypeOf<SB.DecorateAcknowledgementsWithMultipleResponses<Events>>().toEqualTypeOf<
      SIO.DecorateAcknowledgementsWithMultipleResponses<Events>
    >();
    expectTypeOf<
      SB.DecorateAcknowledgementsWithTimeoutAndMultipleResponses<Events>
    >().toEqualTypeOf<SIO.DecorateAcknowledgementsWithTimeoutAndMultipleResponses<Events>>();
    expectTypeOf<SB.DecorateAcknowledgements<Events>["withAck"]>().toEqualTypeOf<
      (d: string, cb: (err: Error, e: number) => void) => void
    >();
    expectTypeOf<
      SB.DecorateAcknowledgementsWithTimeoutAndMultipleResponses<Events>["ackTwo"]
    >().toEqualTypeOf<(x: boolean, cb: (err: Error, a: string[]) => void) => void>();
    expectTypeOf<SB.DecorateAcknowledgements<SB.DefaultEventsMap>>().toEqualTypeOf<
      SIO.DecorateAcknowledgements<SIO.DefaultEventsMap>
    >();
  });

  it("tuple helpers", () => {
    type Tuples = [
      [],
      [number],
      [string, number],
      [string, boolean?],
      [string, ...number[]],
      number[],
      [a: 1, b: 2],
    ];
    expectTypeOf<SB.Last<Tuples[0]>>().toEqualTypeOf<SIO.Last<Tuples[0]>>();
    expectTypeOf<SB.Last<Tuples[1]>>().toEqualTypeOf<SIO.Last<Tuples[1]>>();
    expectTypeOf<SB.Last<Tuples[2]>>().toEqualTypeOf<SIO.Last<Tuples[2]>>();
    expectTypeOf<SB.Last<Tuples[3]>>().toEqualTypeOf<SIO.Last<Tuples[3]>>();
    expectTypeOf<SB.Last<Tuples[4]>>().toEqualTypeOf<SIO.Last<Tuples[4]>>();
    expectTypeOf<SB.Last<Tuples[5]>>().toEqualTypeOf<SIO.Last<Tuples[5]>>();
    expectTypeOf<SB.Last<Tuples[6]>>().toEqualTypeOf<2>();
    expectTypeOf<SB.AllButLast<Tuples[2]>>().toEqualTypeOf<SIO.AllButLast<Tuples[2]>>();
    expectTypeOf<SB.AllButLast<Tuples[0]>>().toEqualTypeOf<SIO.AllButLast<Tuples[0]>>();
    expectTypeOf<SB.AllButLast<Tuples[3]>>().toEqualTypeOf<SIO.AllButLast<Tuples[3]>>();
    expectTypeOf<SB.AllButLast<Tuples[6]>>().toEqualTypeOf<[a: 1]>();
    expectTypeOf<SB.FirstNonErrorArg<(err: Error, v: number) => void>>().toEqualTypeOf<number>();
    expectTypeOf<SB.FirstNonErrorArg<(v: string) => void>>().toEqualTypeOf<string>();
    expectTypeOf<SB.FirstNonErrorArg<Last<Parameters<Events["withAck"]>>>>().toEqualTypeOf<
      SIO.FirstNonErrorArg<SIO.Last<Parameters<Events["withAck"]>>>
    >();
    expectTypeOf<SB.MultiplyArray<[string, number]>>().toEqualTypeOf<[string[], number[]]>();
    expectTypeOf<SB.FirstArg<(x: Date) => void>>().toEqualTypeOf<Date>();
    expectTypeOf<SB.IsAny<any>>().toEqualTypeOf<true>();
    expectTypeOf<SB.IsAny<unknown>>().toEqualTypeOf<false>();
  });
});

type Last<T extends readonly unknown[]> = SB.Last<T>;

describe("Emitter typing", () => {
  class Conn extends Emitter<Events, Events, Reserved> {
    fire(): void {
      this.emitReserved("closed", "bye", 1);
      // @ts-expect-error wrong argument type for a reserved event
      this.emitReserved("closed", "bye", "1");
    }
  }

  it("types listeners from ListenEvents and ReservedEvents", () => {
    const conn = new Conn();
    conn.on("basic", (a, b) => {
      expectTypeOf(a).toEqualTypeOf<number>();
      expectTypeOf(b).toEqualTypeOf<string>();
    });
    conn.once("closed", (reason, code) => {
      expectTypeOf(reason).toEqualTypeOf<string>();
      expectTypeOf(code).toEqualTypeOf<number>();
    });
    conn.on("withAck", (_d, cb) => cb(1));
    // @ts-expect-error unknown event
    conn.on("nope", () => {});
    // @ts-expect-error wrong listener parameter type
    conn.on("basic", (_a: string) => {});
    expectTypeOf(conn.listeners("closed")).toEqualTypeOf<
      Array<(reason: string, code: number) => void>
    >();
  });

  it("types emit from EmitEvents and keeps reserved events out of it", () => {
    const conn = new Conn();
    expectTypeOf(conn.emit("basic", 1, "x")).toEqualTypeOf<boolean>();
    conn.emit("withAck", "x", (e) => expectTypeOf(e).toEqualTypeOf<number>());
    // @ts-expect-error wrong argument types
    conn.emit("basic", "1", 2);
    // @ts-expect-error missing argument
    conn.emit("basic", 1);
    // @ts-expect-error reserved events cannot be emitted by users
    conn.emit("closed", "x", 1);
    // @ts-expect-error emitReserved is protected
    conn.emitReserved("closed", "x", 1);
  });

  it("separates listen and emit maps", () => {
    const em = new Emitter<{ in: (n: number) => void }, { out: (s: string) => void }>();
    em.on("in", (n) => expectTypeOf(n).toEqualTypeOf<number>());
    em.emit("out", "s");
    // @ts-expect-error "in" is listen-only
    em.emit("in", 1);
    // @ts-expect-error "out" is emit-only
    em.on("out", () => {});
  });

  it("accepts anything with the default map and the empty-map spelling users write", () => {
    const em = new Emitter<SB.DefaultEventsMap>();
    em.on("anything", (a: string, b: number) => void [a, b]);
    em.emit("anything", 1, { x: 2 }, [3]);
    class Decoderish extends Emitter<{}, {}, { decoded: (packet: { nsp: string }) => void }> {
      push(): void {
        this.emitReserved("decoded", { nsp: "/" });
      }
    }
    const d = new Decoderish();
    d.on("decoded", (p) => expectTypeOf(p.nsp).toEqualTypeOf<string>());
    // @ts-expect-error nothing is emittable on an empty EmitEvents map
    d.emit("decoded", { nsp: "/" });
  });

  it("works inside generic code, as socket.io's emitter does", () => {
    function relay<E extends SB.EventsMap, Ev extends SB.EventNames<E>>(
      em: Emitter<E>,
      ev: Ev,
      fn: SB.ReservedOrUserListener<{}, E, Ev>,
    ): void {
      em.on(ev, fn);
    }
    relay(new Emitter<Events>(), "basic", (a, b) => {
      expectTypeOf(a).toEqualTypeOf<number>();
      expectTypeOf(b).toEqualTypeOf<string>();
    });
    // @ts-expect-error the listener must match the event
    relay(new Emitter<Events>(), "basic", (a: string) => void a);
  });
});
