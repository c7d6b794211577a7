// docs/protocol.md §1.5: the server pings, the client pongs; no pong → `ping timeout`.
import { expect, it } from "vitest";
import {
  describeEngines,
  expectErrorBody,
  handshake,
  packets,
  poll,
  post,
  startServer,
  wsHandshake,
} from "./helpers.js";

const opts = { pingInterval: 300, pingTimeout: 200 };

describeEngines("heartbeat (§1.5)", (impl) => {
  it("three ping/pong rounds over polling keep the session open", async () => {
    const srv = await startServer(impl, opts);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let heartbeats = 0;
    socket.on("heartbeat", () => heartbeats++);
    for (let round = 0; round < 3; round++) {
      const res = await poll(srv, sid);
      expect(res.status).toBe(200);
      expect(packets(res.text)).toEqual(["2"]);
      expect((await post(srv, sid, "3")).text).toBe("ok");
    }
    expect(srv.isClosed(sid)).toBe(false);
    expect(socket.readyState).toBe("open");
    expect(heartbeats).toBeGreaterThanOrEqual(3);
    // And the session still carries data.
    socket.send("alive");
    const res = await poll(srv, sid);
    // A fourth ping may be due by now; the message must be there.
    expect(packets(res.text)).toContain("4alive");
  });

  it("three ping/pong rounds over websocket keep the session open", async () => {
    const srv = await startServer(impl, opts);
    const { client, sid } = await wsHandshake(srv);
    for (let round = 0; round < 3; round++) {
      expect(await client.nextText()).toBe("2");
      client.send("3");
    }
    expect(srv.isClosed(sid)).toBe(false);
    const socket = await srv.socket(sid);
    socket.send("alive");
    let frame = await client.nextText();
    if (frame === "2") frame = await client.nextText();
    expect(frame).toBe("4alive");
  });

  it("no pong over polling: session gone with `ping timeout`, next poll 400", async () => {
    const srv = await startServer(impl, opts);
    const { sid } = await handshake(srv);
    const res = await poll(srv, sid);
    expect(packets(res.text)).toEqual(["2"]);
    // No pong.
    expect((await srv.closed(sid)).reason).toBe("ping timeout");
    expectErrorBody(await poll(srv, sid), 400, 1, "Session ID unknown");
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("no pong over polling, client not even polling: still `ping timeout`", async () => {
    const srv = await startServer(impl, opts);
    const { sid } = await handshake(srv);
    expect((await srv.closed(sid)).reason).toBe("ping timeout");
    expect((await poll(srv, sid)).status).toBe(400);
  });

  it("no pong over websocket: socket closed by the server with `ping timeout`", async () => {
    const srv = await startServer(impl, opts);
    const { client, sid } = await wsHandshake(srv);
    expect(await client.nextText()).toBe("2");
    expect((await srv.closed(sid)).reason).toBe("ping timeout");
    await client.closed;
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("a message is not a pong: without `3` the session still times out", async () => {
    const srv = await startServer(impl, opts);
    const { client, sid } = await wsHandshake(srv);
    expect(await client.nextText()).toBe("2");
    client.send("4not a pong");
    expect((await srv.closed(sid)).reason).toBe("ping timeout");
  });

  it("a client-sent ping (not the probe) is a protocol error that closes the session", async () => {
    const srv = await startServer(impl, opts);
    const { client, sid } = await wsHandshake(srv);
    client.send("2");
    const { reason } = await srv.closed(sid);
    expect(reason).not.toBe("ping timeout");
    expect(["transport error", "parse error"]).toContain(reason);
    await client.closed;
  });
});
