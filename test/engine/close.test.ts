// docs/protocol.md §1.7: closing from either side, over both transports, with the close reasons of §1.7.
import { expect, it } from "vitest";
import {
  describeEngines,
  expectErrorBody,
  handshake,
  packets,
  poll,
  pollUntilClose,
  post,
  startServer,
  waitFor,
  within,
  wsHandshake,
} from "./helpers.js";

describeEngines("close (§1.7)", (impl) => {
  it("client `1` over polling: pending GET answered with `6`, next poll 400, reason `transport close`", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const pending = poll(srv, sid);
    await waitFor(() => socket.transport.writable === true, "GET pending");
    expect((await post(srv, sid, "1")).text).toBe("ok");
    const res = await pending;
    expect(res.status).toBe(200);
    expect(packets(res.text)).toEqual(["6"]);
    expect((await srv.closed(sid)).reason).toBe("transport close");
    expectErrorBody(await poll(srv, sid), 400, 1, "Session ID unknown");
    expect(srv.engine.clientsCount).toBe(0);
    expect(socket.readyState).toBe("closed");
  });

  it("client `1` over polling without a pending GET", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    expect((await post(srv, sid, "1")).text).toBe("ok");
    expect((await srv.closed(sid)).reason).toBe("transport close");
    expect((await poll(srv, sid)).status).toBe(400);
  });

  it("client `1` over websocket", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    await srv.socket(sid);
    client.send("1");
    if (impl.reference) {
      // The reference ignores `1` over websocket (docs/protocol.md §1.7/§7) and ends the session when the socket closes.
      // Switchboard closes at once, which §1.7 calls better.
      client.ws.close();
    }
    await within(client.closed, 3000, "the server to close the websocket after a client `1`");
    expect((await srv.closed(sid)).reason).toBe("transport close");
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("server socket.close() over polling: `1` in the next GET, reason `forced close`", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    socket.send("bye");
    socket.close();
    // Buffered packets are flushed first; the close packet may come in the same GET or the next one, and a
    // noop (`6`) may precede it (the reference sends `6` then `1`).
    const seen = await pollUntilClose(srv, sid);
    expect(seen.filter((p) => p !== "6")).toEqual(["4bye", "1"]);
    expect((await srv.closed(sid)).reason).toBe("forced close");
    expect((await poll(srv, sid)).status).toBe(400);
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("server socket.close() over polling with a GET pending", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const pending = poll(srv, sid);
    await waitFor(() => socket.transport.writable === true, "GET pending");
    socket.close();
    expect(packets((await pending).text)).toEqual(["1"]);
    expect((await srv.closed(sid)).reason).toBe("forced close");
  });

  it("server socket.close() over websocket: buffered data flushed, then the socket is closed", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    socket.send("last words");
    socket.close();
    expect(await client.nextText()).toBe("4last words");
    await client.closed;
    expect((await srv.closed(sid)).reason).toBe("forced close");
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("websocket TCP drop → `transport close`", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    await srv.socket(sid);
    client.ws.terminate();
    expect((await srv.closed(sid)).reason).toBe("transport close");
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("websocket clean close from the client → `transport close`", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    await srv.socket(sid);
    client.ws.close(1000);
    expect((await srv.closed(sid)).reason).toBe("transport close");
  });

  it("server.close() closes every session", async () => {
    const srv = await startServer(impl);
    const a = await handshake(srv);
    const b = await wsHandshake(srv);
    await srv.socket(a.sid);
    await srv.socket(b.sid);
    srv.engine.close();
    await b.client.closed;
    expect((await srv.closed(a.sid)).reason).toBe("forced close");
    expect((await srv.closed(b.sid)).reason).toBe("forced close");
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("send() after close is a no-op (no throw, nothing written)", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    client.ws.terminate();
    await srv.closed(sid);
    expect(() => socket.send("into the void")).not.toThrow();
    expect(() => socket.close()).not.toThrow();
    expect(socket.readyState).toBe("closed");
  });

  it("close is emitted exactly once", async () => {
    const srv = await startServer(impl);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    let closes = 0;
    socket.on("close", () => closes++);
    socket.close();
    socket.close();
    client.ws.terminate();
    await srv.closed(sid);
    await client.closed;
    // Let any late duplicate surface before counting.
    await new Promise((r) => setImmediate(r));
    expect(closes).toBe(1);
  });
});
