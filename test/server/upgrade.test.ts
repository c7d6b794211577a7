// Traffic while the transport upgrades from polling to websocket (docs/protocol.md §1.6): nothing lost, nothing
// reordered, in either direction, acks included.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import type { ServerSocket } from "./helpers.js";
import { cleanup, clientOptions, connect, once, startServer, waitConnect } from "./helpers.js";

afterEach(cleanup.run);

const N = 400;

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  it("a stream of events in both directions survives the upgrade in order", async () => {
    const started = await startServer(Server);
    const received: number[] = [];
    const serverDone = new Promise<void>((resolve) =>
      started.io.on("connection", (socket) => {
        socket.on("up", (i: number, bin: Buffer) => {
          received.push(i);
          if (bin[0] !== (i & 0xff)) received.push(-1);
          if (received.length === N) resolve();
        });
        let i = 0;
        const pump = () => {
          if (i >= N) return;
          socket.emit("down", i, Buffer.from([i & 0xff]));
          i++;
          setImmediate(pump);
        };
        pump();
      }),
    );
    const connection = once(started.io, "connection");
    const client = connect(started.url, clientOptions(undefined));
    const got: number[] = [];
    const clientDone = new Promise<void>((resolve) =>
      client.on("down", (i: number, bin: ArrayBuffer | Buffer) => {
        got.push(i);
        if (new Uint8Array(bin as ArrayBuffer)[0] !== (i & 0xff)) got.push(-1);
        if (got.length === N) resolve();
      }),
    );
    const [socket] = (await connection) as [ServerSocket];
    const upgraded =
      socket.conn.transport.name === "websocket" ? Promise.resolve() : once(socket.conn, "upgrade");
    await waitConnect(client);
    let j = 0;
    const pumpUp = () => {
      if (j >= N) return;
      client.emit("up", j, Buffer.from([j & 0xff]));
      j++;
      setImmediate(pumpUp);
    };
    pumpUp();
    await Promise.all([serverDone, clientDone, upgraded]);
    const expected = Array.from({ length: N }, (_, i) => i);
    expect(received).toEqual(expected);
    expect(got).toEqual(expected);
    expect(socket.conn.transport.name).toBe("websocket");
  });

  it("broadcasts interleaved with direct emits keep their order across the upgrade", async () => {
    const started = await startServer(Server);
    const connection = once(started.io, "connection");
    const client = connect(started.url, clientOptions(undefined));
    const got: number[] = [];
    const done = new Promise<void>((resolve) =>
      client.on("n", (i: number) => {
        got.push(i);
        if (got.length === N) resolve();
      }),
    );
    const [socket] = (await connection) as [ServerSocket];
    const upgraded =
      socket.conn.transport.name === "websocket" ? Promise.resolve() : once(socket.conn, "upgrade");
    let i = 0;
    const pump = () => {
      if (i >= N) return;
      if (i % 2 === 0) started.io.emit("n", i);
      else if (i % 3 === 0) started.io.to(socket.id).emit("n", i, Buffer.from([1]));
      else socket.emit("n", i);
      i++;
      setImmediate(pump);
    };
    pump();
    await Promise.all([done, upgraded]);
    expect(got).toEqual(Array.from({ length: N }, (_, k) => k));
  });

  it("acks requested before the upgrade are answered after it", async () => {
    const started = await startServer(Server);
    started.io.on("connection", (socket) =>
      socket.on("slow", (n: number, cb: (n: number) => void) => {
        // Answer only once the connection runs on websocket, so the ack crosses the upgrade.
        if (socket.conn.transport.name === "websocket") cb(n + 1);
        else socket.conn.once("upgrade", () => cb(n + 1));
      }),
    );
    const client = connect(started.url, clientOptions(undefined));
    await waitConnect(client);
    const answers = await Promise.all(
      [1, 2, 3].map((n) => client.timeout(3000).emitWithAck("slow", n)),
    );
    expect(answers).toEqual([2, 3, 4]);
    expect(client.io.engine.transport.name).toBe("websocket");
  });
});
