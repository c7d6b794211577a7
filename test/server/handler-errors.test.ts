// Exceptions thrown by user code (event handlers, connection handlers, middleware, ack callbacks), sync or
// async (a rejected promise from an async handler ends a Node >= 15 process just like a throw).
// Known difference: socket.io lets them escape as `uncaughtException` / `unhandledRejection` (which kills a
// process without a handler); Switchboard must catch and report them (issue 3 "Bad input", common.md).
// Both rows check that the server keeps serving; each row checks its own escape behaviour, the
// reference row proving that the escape detector works.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import type { ServerSocket } from "./helpers.js";
import {
  cleanup,
  clientOptions,
  connect,
  connectPair,
  once,
  startServer,
  waitConnect,
} from "./helpers.js";
import { captureEscapes } from "./escapes.js";

afterEach(cleanup.run);

const ws = { label: "websocket", transports: ["websocket" as const] };

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;
  const catches = impl.name === "switchboard";

  function expectEscapes(escaped: unknown[], message: string): void {
    if (catches) {
      expect(escaped).toEqual([]);
    } else {
      expect(escaped.map((e) => (e as Error).message)).toEqual([message]);
    }
  }

  async function serverWithEcho() {
    const started = await startServer(Server);
    started.io.on("connection", (s) =>
      s.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x)),
    );
    return started;
  }

  describe("exceptions in user code", () => {
    it("a throwing event handler does not take the server down", async () => {
      const escaped = captureEscapes();
      const started = await serverWithEcho();
      started.io.on("connection", (s) =>
        s.on("boom", () => {
          throw new Error("handler boom");
        }),
      );
      const { client } = await connectPair(started, ws);
      client.emit("boom");
      // Events are handled in order: once echo is answered, boom has run.
      await expect(client.timeout(2000).emitWithAck("echo", 1)).resolves.toBe(1);
      const other = await connectPair(started, ws);
      await expect(other.client.timeout(2000).emitWithAck("echo", 2)).resolves.toBe(2);
      expectEscapes(escaped, "handler boom");
    });

    it("a throwing connection handler does not take the server down", async () => {
      const escaped = captureEscapes();
      const started = await serverWithEcho();
      let thrown = 0;
      started.io.on("connection", () => {
        if (thrown++ === 0) throw new Error("connection boom");
      });
      await connectPair(started, ws);
      const other = await connectPair(started, ws);
      await expect(other.client.timeout(2000).emitWithAck("echo", 2)).resolves.toBe(2);
      expectEscapes(escaped, "connection boom");
    });

    it("a throwing middleware does not take the server down", async () => {
      const escaped = captureEscapes();
      const started = await serverWithEcho();
      let ran!: () => void;
      const middlewareRan = new Promise<void>((resolve) => (ran = resolve));
      started.io.of("/guarded").use(() => {
        ran();
        throw new Error("middleware boom");
      });
      connect(`${started.url}/guarded`, clientOptions(ws));
      await middlewareRan;
      const other = await connectPair(started, ws);
      await expect(other.client.timeout(2000).emitWithAck("echo", 3)).resolves.toBe(3);
      expectEscapes(escaped, "middleware boom");
    });

    it("a rejecting async event handler does not take the server down", async () => {
      // Node >= 15 exits on an unhandled rejection, so for a server this is the same as a throw.
      const escaped = captureEscapes();
      const started = await serverWithEcho();
      started.io.on("connection", (s) =>
        s.on("async-boom", async () => {
          await Promise.resolve();
          throw new Error("async handler boom");
        }),
      );
      const { client } = await connectPair(started, ws);
      client.emit("async-boom");
      await expect(client.timeout(2000).emitWithAck("echo", 1)).resolves.toBe(1);
      // Let the rejection surface (it is reported after the microtask queue drains).
      await new Promise((resolve) => setImmediate(resolve));
      expectEscapes(escaped, "async handler boom");
    });

    it("a rejecting async middleware does not take the server down", async () => {
      const escaped = captureEscapes();
      const started = await serverWithEcho();
      let ran!: () => void;
      const middlewareRan = new Promise<void>((resolve) => (ran = resolve));
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- async middleware: the case
      started.io.of("/guarded").use(async () => {
        ran();
        throw new Error("async middleware boom");
      });
      connect(`${started.url}/guarded`, clientOptions(ws));
      await middlewareRan;
      const other = await connectPair(started, ws);
      await expect(other.client.timeout(2000).emitWithAck("echo", 3)).resolves.toBe(3);
      await new Promise((resolve) => setImmediate(resolve));
      expectEscapes(escaped, "async middleware boom");
    });

    it("a throwing ack callback does not take the server down", async () => {
      const escaped = captureEscapes();
      const started = await serverWithEcho();
      const connection = once(started.io, "connection");
      const client = connect(started.url, clientOptions(ws));
      const [server] = (await connection) as [ServerSocket];
      await waitConnect(client);
      client.on("ask", (cb: () => void) => cb());
      let ran!: () => void;
      const ackRan = new Promise<void>((resolve) => (ran = resolve));
      server.emit("ask", () => {
        ran();
        throw new Error("ack boom");
      });
      await ackRan;
      await expect(client.timeout(2000).emitWithAck("echo", 4)).resolves.toBe(4);
      expectEscapes(escaped, "ack boom");
    });
  });
});
