// Type tests: checked by `npx tsc -p tsconfig.test.json`; the runtime part only proves the file loads.
import { describe, expectTypeOf, it } from "vitest";
import { io, Manager, Socket, type DisconnectReason } from "@switchboard/client";
import ioDefault, { connect } from "@switchboard/client";

interface ServerToClientEvents {
  noArg: () => void;
  basicEmit: (a: number, b: string, c: Uint8Array) => void;
  withAck: (d: string, callback: (e: number) => void) => void;
}

interface ClientToServerEvents {
  hello: () => void;
  greet: (name: string) => void;
  ask: (q: string, cb: (answer: number) => void) => void;
}

describe("types", () => {
  it("types io(), connect and the default export alike", () => {
    expectTypeOf(io).toEqualTypeOf(connect);
    expectTypeOf(io).toEqualTypeOf(ioDefault);
    const s = io("http://localhost", { autoConnect: false });
    expectTypeOf(s).toEqualTypeOf<Socket>();
    expectTypeOf(s.io).toMatchTypeOf<Manager>();
    expectTypeOf(s.id).toEqualTypeOf<string | undefined>();
    expectTypeOf(s.connected).toEqualTypeOf<boolean>();
    expectTypeOf(s.active).toEqualTypeOf<boolean>();
    expectTypeOf(s.recovered).toEqualTypeOf<boolean>();
  });

  it("accepts a typed socket from io() and checks event names and arguments", () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ autoConnect: false });
    socket.on("basicEmit", (a, b, c) => {
      expectTypeOf(a).toEqualTypeOf<number>();
      expectTypeOf(b).toEqualTypeOf<string>();
      expectTypeOf(c).toEqualTypeOf<Uint8Array>();
    });
    socket.on("withAck", (d, cb) => {
      expectTypeOf(d).toEqualTypeOf<string>();
      cb(1);
    });
    socket.on("disconnect", (reason) => {
      expectTypeOf(reason).toEqualTypeOf<DisconnectReason>();
    });
    socket.on("connect_error", (err) => expectTypeOf(err).toEqualTypeOf<Error>());
    socket.emit("hello");
    socket.emit("greet", "bob");
    socket.emit("ask", "why", (answer) => expectTypeOf(answer).toEqualTypeOf<number>());
    // Chaining returns the socket (socket.io-client's contract).
    expectTypeOf(socket.emit("hello")).toEqualTypeOf(socket);
    expectTypeOf(socket.on("noArg", () => {})).toEqualTypeOf(socket);
    expectTypeOf(socket.volatile).toEqualTypeOf(socket);
    expectTypeOf(socket.compress(false)).toEqualTypeOf(socket);
    // @ts-expect-error unknown event
    socket.emit("nope");
    // @ts-expect-error wrong argument type
    socket.emit("greet", 1);
    // @ts-expect-error listener with wrong parameter type
    socket.on("basicEmit", (a: string) => a);
    // @ts-expect-error unknown listen event
    socket.on("nope", () => {});
  });

  it("decorates acknowledgements with timeout() and types emitWithAck", async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ autoConnect: false });
    socket.timeout(100).emit("ask", "q", (err, answer) => {
      expectTypeOf(err).toEqualTypeOf<Error>();
      expectTypeOf(answer).toEqualTypeOf<number>();
    });
    const p = socket.emitWithAck("ask", "q");
    expectTypeOf(p).toEqualTypeOf<Promise<number>>();
    const timed = socket.timeout(5).emitWithAck("ask", "q");
    expectTypeOf(timed).toEqualTypeOf<Promise<number>>();
    timed.catch(() => {}); // never connected: it times out
    // @ts-expect-error the ack argument is not part of emitWithAck's arguments
    void socket.emitWithAck("ask", "q", () => {});
    p.catch(() => {});
  });

  it("keeps untyped sockets permissive", () => {
    const socket = io({ autoConnect: false });
    socket.emit("anything", 1, "two", { three: 3 }, () => {});
    socket.on("whatever", (...args) => expectTypeOf(args).toEqualTypeOf<any[]>());
    socket.onAny((event, ...args) => void [event, args]);
    expectTypeOf(socket.listenersAny()).toBeArray();
  });

  it("types the Manager", () => {
    const m = new Manager("http://localhost", { autoConnect: false, reconnectionDelayMax: 10_000 });
    expectTypeOf(m.reconnection()).toEqualTypeOf<boolean>();
    expectTypeOf(m.reconnection(false)).toEqualTypeOf(m);
    expectTypeOf(m.timeout()).toEqualTypeOf<number | false>();
    m.on("reconnect_attempt", (n) => expectTypeOf(n).toEqualTypeOf<number>());
    m.on("close", (reason) => expectTypeOf(reason).toEqualTypeOf<string>());
    // @ts-expect-error not a Manager event
    m.on("connect", () => {});
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = m.socket("/admin");
    expectTypeOf(s.nsp).toEqualTypeOf<string>();
  });
});
