/**
 * Type tests: Socket.IO's typed generics (`Server<ListenEvents, EmitEvents, ServerSideEvents,
 * SocketData>`), checked by `tsc -p tsconfig.test.json`. The code below is type-checked, and the
 * runtime test only builds a detached server.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  BroadcastOperator,
  Namespace,
  Server,
  Socket,
  type DefaultEventsMap,
  type DisconnectReason,
  type Event,
  type ExtendedError,
  type RemoteSocket,
  type ServerOptions,
} from "@switchboard/server";

interface ClientToServerEvents {
  hello: () => void;
  chat: (text: string) => void;
  ask: (question: string, cb: (answer: number) => void) => void;
}

interface ServerToClientEvents {
  noArg: () => void;
  basicEmit: (a: number, b: string, c: Buffer) => void;
  withAck: (d: string, callback: (e: number) => void) => void;
}

interface InterServerEvents {
  ping: () => void;
}

interface SocketData {
  name: string;
  age: number;
}

type TypedServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

// Never called: only type-checked.
function typeChecks(io: TypedServer): void {
  io.on("connection", (socket) => {
    expectTypeOf(socket).toEqualTypeOf<
      Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
    >();
    socket.emit("noArg");
    socket.emit("basicEmit", 1, "2", Buffer.from([3]));
    socket.emit("withAck", "4", (e) => {
      expectTypeOf(e).toEqualTypeOf<number>();
    });
    // @ts-expect-error wrong argument type
    socket.emit("basicEmit", "1", "2", Buffer.from([3]));
    // @ts-expect-error unknown event
    socket.emit("unknown");

    socket.on("chat", (text) => expectTypeOf(text).toEqualTypeOf<string>());
    socket.on("ask", (question, cb) => {
      expectTypeOf(question).toEqualTypeOf<string>();
      cb(42);
    });
    socket.on("disconnect", (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
    // @ts-expect-error listener of the wrong shape
    socket.on("chat", (text: number) => text);

    socket.data.name = "john";
    socket.data.age = 42;
    // @ts-expect-error wrong data type
    socket.data.age = "42";

    socket.timeout(1000).emit("withAck", "x", (err, e) => {
      expectTypeOf(err).toEqualTypeOf<Error>();
      expectTypeOf(e).toEqualTypeOf<number>();
    });
    void socket
      .timeout(1000)
      .emitWithAck("withAck", "x")
      .then((e) => expectTypeOf(e).toEqualTypeOf<number>());

    socket.to("room").emit("basicEmit", 1, "2", Buffer.from([3]));
    socket.broadcast.emit("noArg");
    socket.use((event, next) => {
      expectTypeOf(event).toEqualTypeOf<Event>();
      next();
    });
  });

  io.emit("noArg");
  io.to("room")
    .except("other")
    .emit("basicEmit", 1, "2", Buffer.from([3]));
  // @ts-expect-error a broadcast without timeout cannot take an ack
  io.emit("withAck", "x", () => {});
  io.timeout(1000).emit("withAck", "x", (err, responses) => {
    expectTypeOf(err).toEqualTypeOf<Error>();
    expectTypeOf(responses).toEqualTypeOf<number[]>();
  });
  expectTypeOf(io.to("room")).toExtend<BroadcastOperator<never, SocketData>>();

  io.serverSideEmit("ping");
  // @ts-expect-error unknown inter-server event
  io.serverSideEmit("pong");
  io.on("ping", () => {});

  io.use((socket, next) => {
    expectTypeOf(socket.data).toEqualTypeOf<SocketData>();
    const err: ExtendedError = new Error("no");
    err.data = { reason: "x" };
    next(err);
  });

  const admin = io.of("/admin");
  expectTypeOf(admin).toEqualTypeOf<
    Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
  >();
  admin.emit("noArg");
  io.on("new_namespace", (nsp) => expectTypeOf(nsp.name).toEqualTypeOf<string>());

  void io.fetchSockets().then((sockets) => {
    expectTypeOf(sockets).toEqualTypeOf<RemoteSocket<ServerToClientEvents, SocketData>[]>();
    const first = sockets[0];
    if (first) {
      expectTypeOf(first.data).toEqualTypeOf<SocketData>();
      first.emit("noArg");
    }
  });

  // Untyped servers accept anything.
  const untyped = new Server();
  untyped.on("connection", (socket) => {
    socket.emit("anything", 1, { a: 2 });
    socket.on("whatever", (...args) => expectTypeOf(args).toEqualTypeOf<any[]>());
  });
  expectTypeOf(untyped).toEqualTypeOf<
    Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, any>
  >();

  const opts: Partial<ServerOptions> = {
    path: "/x",
    pingInterval: 1000,
    connectionStateRecovery: {},
    cors: { origin: "*" },
  };
  void opts;
}

describe("typed generics", () => {
  it("a detached typed server exposes its main namespace", async () => {
    const io: TypedServer = new Server({ serveClient: false });
    expect(io.of("/")).toBe(io.sockets);
    expect(io.sockets.name).toBe("/");
    expect(typeof typeChecks).toBe("function");
    await io.close();
  });
});
