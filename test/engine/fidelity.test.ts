// Behaviours where `engine.io` 6.6 is the spec because Socket.IO's own tests observe them: the 101-then-close
// answer to a probe a session cannot take (docs/protocol.md §1.6.1), transport writability (what `volatile`
// reads), `packetCreate` options, the `6␞1` of a deferred close (§1.7), and the middleware chain (§1.9).
import { preEncode, type PacketInfo, type Socket } from "@switchboard/engine";
import { expect, it } from "vitest";
import {
  describeEngines,
  handshake,
  openWs,
  packets,
  poll,
  post,
  request,
  startServer,
  switchboard,
  waitFor,
  wsHandshake,
  type EngineSocket,
  type TestServer,
} from "./helpers.js";

/** Polling handshake, then the probe and `5`: the session runs over the returned WebSocket. */
async function upgradedSession(srv: TestServer) {
  const { sid } = await handshake(srv);
  const socket = await srv.socket(sid);
  const ws = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
  await ws.opened;
  ws.send("2probe");
  expect(await ws.nextText()).toBe("3probe");
  ws.send("5");
  await waitFor(() => socket.transport.name === "websocket", "upgraded");
  return { sid, socket, ws };
}

/** What Socket.IO does for a `volatile` packet: send only while the transport is writable. */
function sendVolatile(socket: EngineSocket, data: string): void {
  if (socket.transport.writable === true) socket.send(data);
}

describeEngines("engine.io fidelity", (impl) => {
  it("a second WebSocket with the sid of an upgraded session gets a 101, then a close; the session goes on", async () => {
    const srv = await startServer(impl);
    const { sid, socket, ws } = await upgradedSession(srv);
    const second = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
    await second.opened;
    await second.closed;
    expect(srv.connectionErrors).toEqual([]);
    const echoed = new Promise<string>((resolve) =>
      socket.once("message", (data: string) => resolve(data)),
    );
    ws.send("4hello");
    expect(await echoed).toBe("hello");
    expect(socket.readyState).toBe("open");
  });

  it("websocket: not writable while a packet waits to be written; writable again once it left", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    await waitFor(() => socket.transport.writable === true, "writable after the open packet");
    sendVolatile(socket, "first");
    expect(socket.transport.writable).toBe(false);
    sendVolatile(socket, "dropped");
    socket.send("regular");
    expect(await client.nextText()).toBe("4first");
    expect(await client.nextText()).toBe("4regular");
    await waitFor(() => socket.transport.writable === true, "writable after the write completed");
    sendVolatile(socket, "again");
    expect(await client.nextText()).toBe("4again");
  });

  it("websocket: a regular packet makes the volatile one after it drop", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    await waitFor(() => socket.transport.writable === true, "writable after the open packet");
    socket.send("regular");
    sendVolatile(socket, "dropped");
    socket.send("end");
    expect(await client.nextText()).toBe("4regular");
    expect(await client.nextText()).toBe("4end");
  });

  it("polling: writable only while a GET waits and nothing is queued", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    expect(socket.transport.writable).toBe(false);
    sendVolatile(socket, "no GET yet");
    const pending = poll(srv, sid);
    await waitFor(() => socket.transport.writable === true, "GET pending");
    sendVolatile(socket, "first");
    expect(socket.transport.writable).toBe(false);
    sendVolatile(socket, "dropped");
    expect(packets((await pending).text)).toEqual(["4first"]);
    expect(socket.transport.writable).toBe(false);
  });

  it("`packetCreate` reports the compress option", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    const created: unknown[] = [];
    socket.on("packetCreate", (packet: unknown) => created.push(packet));
    socket.send("a");
    (socket as unknown as { send(d: string, o: { compress: boolean }): void }).send("b", {
      compress: false,
    });
    expect(await client.nextText()).toBe("4a");
    expect(await client.nextText()).toBe("4b");
    expect(created).toEqual([
      { type: "message", data: "a", options: { compress: true } },
      { type: "message", data: "b", options: { compress: false } },
    ]);
  });

  it("close() over polling with nothing queued and a GET waiting: that GET gets `1`", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const pending = poll(srv, sid);
    await waitFor(() => socket.transport.writable === true, "GET pending");
    socket.close();
    expect((await pending).text).toBe("1");
    expect((await srv.closed(sid)).reason).toBe("forced close");
  });

  it("close() over polling without a GET waiting: the next GET gets `6␞1`", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    socket.close();
    expect((await poll(srv, sid)).text).toBe("6\x1e1");
    expect((await srv.closed(sid)).reason).toBe("forced close");
  });

  it("close() over polling after queued packets: they go first, then `6␞1` in a GET of its own", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    socket.send("bye");
    socket.close();
    expect((await poll(srv, sid)).text).toBe("4bye");
    expect((await poll(srv, sid)).text).toBe("6\x1e1");
    expect((await srv.closed(sid)).reason).toBe("forced close");
  });

  it("use(): a second next() from the same middleware is ignored", async () => {
    const srv = await startServer(impl);
    let calls = 0;
    (srv.engine as unknown as { use(fn: unknown): void }).use(
      (_req: unknown, _res: unknown, next: () => void) => {
        next();
        next();
      },
    );
    (srv.engine as unknown as { use(fn: unknown): void }).use(
      (_req: unknown, _res: unknown, next: () => void) => {
        calls++;
        next();
      },
    );
    const { sid } = await handshake(srv);
    expect(calls).toBe(1);
    expect((await post(srv, sid, "4x")).text).toBe("ok");
    expect(calls).toBe(2);
  });

  it("use(): async middlewares run in order; a rejection refuses with code 3", async () => {
    const srv = await startServer(impl);
    const order: string[] = [];
    (srv.engine as unknown as { use(fn: unknown): void }).use(
      async (_req: unknown, _res: unknown, next: () => void) => {
        await new Promise((r) => setImmediate(r));
        order.push("async");
        next();
      },
    );
    (srv.engine as unknown as { use(fn: unknown): void }).use(
      async (req: { url: string }, _res: unknown, next: () => void) => {
        order.push("second");
        if (req.url.includes("deny")) throw new Error("denied");
        next();
      },
    );
    await handshake(srv);
    expect(order).toEqual(["async", "second"]);
    const event = srv.nextConnectionError();
    const refused = await request(srv.url("EIO=4&transport=polling&deny=1"));
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toEqual({ code: 3, message: "Bad request" });
    expect((await event).context).toEqual({ name: "MIDDLEWARE_FAILURE" });
  });

  it("use(): a middleware that sent the headers then fails gets no error body; the response ends", async () => {
    const srv = await startServer(impl);
    (srv.engine as unknown as { use(fn: unknown): void }).use(
      (_req: unknown, res: { writeHead(s: number): void }, next: (err?: Error) => void) => {
        res.writeHead(299);
        next(new Error("too late"));
      },
    );
    const event = srv.nextConnectionError();
    const res = await request(srv.url("EIO=4&transport=polling"));
    expect(res.status).toBe(299);
    expect(res.text).toBe("");
    expect((await event).code).toBe(3);
  });
});

describeEngines(
  "request query (Switchboard only: engine.io 6.6.13 builds it with Object.fromEntries)",
  () => {
    it("`request._query` has a null prototype, over polling and websocket", async () => {
      const srv = await startServer(switchboard);
      const { sid } = await handshake(srv, "&__proto__=x&constructor=y");
      const polling = (await srv.socket(sid)).request as unknown as {
        _query: Record<string, string>;
      };
      expect(Object.getPrototypeOf(polling._query)).toBeNull();
      expect(polling._query["__proto__"]).toBe("x");
      const ws = await wsHandshake(srv, "&constructor=y");
      const stand = (await srv.socket(ws.sid)).request as unknown as {
        _query: Record<string, string>;
      };
      expect(Object.getPrototypeOf(stand._query)).toBeNull();
      expect(stand._query["constructor"]).toBe("y");
    });

    it("`packetCreate` of a text PreEncodedPacket carries its frame as `options.wsPreEncodedFrame`", async () => {
      const srv = await startServer(switchboard);
      const { client, sid } = await wsHandshake(srv);
      const socket = (await srv.socket(sid)) as unknown as Socket;
      const created: PacketInfo[] = [];
      socket.on("packetCreate", (packet: PacketInfo) => created.push(packet));
      socket.send(preEncode("hi"));
      socket.send(preEncode(Buffer.from([1, 2])));
      expect(await client.nextText()).toBe("4hi");
      expect((await client.next()).binary).toBe(true);
      const frame = created[0]?.options?.wsPreEncodedFrame;
      expect(frame).toBeInstanceOf(Array);
      // An unmasked final text frame (0x81), length 3, then `4hi`: what the client received.
      expect(Buffer.concat(frame ?? [])).toEqual(Buffer.from([0x81, 3, ...Buffer.from("4hi")]));
      expect(created[1]?.options).toEqual({ compress: true });
    });
  },
  [switchboard],
);
