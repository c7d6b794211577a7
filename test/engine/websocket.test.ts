// docs/protocol.md §1.2/§1.4: the WebSocket transport with a raw `ws` client.
import { expect, it } from "vitest";
import { describeEngines, startServer, waitFor, wsHandshake } from "./helpers.js";

describeEngines("websocket", (impl) => {
  it("text frames both ways", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    const got = new Promise((resolve) => socket.once("message", resolve));
    client.send("4hello server \u00e9\u{1f600}");
    expect(await got).toBe("hello server \u00e9\u{1f600}");
    socket.send("hello client");
    expect(await client.next()).toEqual({ data: "4hello client", binary: false });
  });

  it("binary frames both ways: raw bytes, no type prefix; the server receives a Buffer", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    const got = new Promise<unknown>((resolve) => socket.once("message", resolve));
    client.send(Buffer.from([1, 2, 3, 4]));
    const msg = await got;
    expect(Buffer.isBuffer(msg)).toBe(true);
    expect([...(msg as Buffer)]).toEqual([1, 2, 3, 4]);
    socket.send(Buffer.from([0, 255, 7]));
    const frame = await client.next();
    expect(frame.binary).toBe(true);
    expect([...(frame.data as Buffer)]).toEqual([0, 255, 7]);
  });

  it("packets sent in one tick arrive as separate frames, in order", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    for (let i = 0; i < 50; i++) socket.send(`m${i}`);
    for (let i = 0; i < 50; i++) expect(await client.nextText()).toBe(`4m${i}`);
  });

  it("a frame larger than maxHttpBufferSize closes that connection only", async () => {
    const srv = await startServer(impl, { maxHttpBufferSize: 1000 });
    const victim = await wsHandshake(srv);
    const other = await wsHandshake(srv);
    const victimSocket = await srv.socket(victim.sid);
    let messages = 0;
    victimSocket.on("message", () => messages++);
    victim.client.send(`4${"x".repeat(2000)}`);
    const closed = await victim.client.closed;
    expect(closed.code).toBe(1009); // ws: message too big
    await srv.closed(victim.sid);
    expect(messages).toBe(0);
    // The other session is unaffected.
    const otherSocket = await srv.socket(other.sid);
    const got = new Promise((resolve) => otherSocket.once("message", resolve));
    other.client.send("4still fine");
    expect(await got).toBe("still fine");
    otherSocket.send("pong");
    expect(await other.client.nextText()).toBe("4pong");
    expect(srv.engine.clientsCount).toBe(1);
  });

  it("a frame of exactly maxHttpBufferSize bytes is accepted", async () => {
    const srv = await startServer(impl, { maxHttpBufferSize: 1000 });
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    const got = new Promise((resolve) => socket.once("message", resolve));
    client.send(`4${"x".repeat(999)}`);
    expect(await got).toBe("x".repeat(999));
  });

  it.each([
    ["an unknown packet type", "9foo"],
    ["an empty text frame", ""],
    ["a non-digit type", "hello"],
  ])("%s closes the session with `parse error`", async (_name, frame) => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    let messages = 0;
    socket.on("message", () => messages++);
    client.send(frame);
    expect((await srv.closed(sid)).reason).toBe("parse error");
    await client.closed;
    expect(messages).toBe(0);
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("the request object is exposed on the socket", async () => {
    const srv = await startServer(impl);
    const { sid } = await wsHandshake(srv, "&foo=bar");
    const socket = await srv.socket(sid);
    expect(socket.request.url).toContain("foo=bar");
    expect(socket.request.headers.upgrade?.toLowerCase()).toBe("websocket");
  });

  it("many websocket sessions are independent", async () => {
    const srv = await startServer(impl);
    const sessions = await Promise.all(Array.from({ length: 20 }, () => wsHandshake(srv)));
    await waitFor(() => srv.engine.clientsCount === 20, "20 clients");
    await Promise.all(
      sessions.map(async (s, i) => {
        const socket = await srv.socket(s.sid);
        socket.send(`to ${i}`);
        expect(await s.client.nextText()).toBe(`4to ${i}`);
      }),
    );
  });
});
