// docs/protocol.md §1.6: upgrade from polling to WebSocket.
import { expect, it } from "vitest";
import {
  describeEngines,
  handshake,
  openWs,
  packets,
  poll,
  post,
  pollUntilClose,
  startServer,
  waitFor,
  type EngineSocket,
  type TestServer,
  type WsClient,
} from "./helpers.js";

/** Handshake over polling, then open the probe WebSocket for that sid. */
async function startUpgrade(
  srv: TestServer,
): Promise<{ sid: string; socket: EngineSocket; ws: WsClient }> {
  const { sid } = await handshake(srv);
  const socket = await srv.socket(sid);
  const ws = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
  await ws.opened;
  return { sid, socket, ws };
}

describeEngines("upgrade (§1.6)", (impl) => {
  it("full upgrade: probe, 3probe, paused GET released with 6, 5, traffic moves to websocket", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let upgraded = false;
    socket.once("upgrade", () => (upgraded = true));

    const paused = poll(srv, sid);
    await waitFor(() => socket.transport.writable === true, "GET pending");
    const ws = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
    await ws.opened;
    ws.send("2probe");
    expect(await ws.nextText()).toBe("3probe");
    const released = await paused;
    expect(released.status).toBe(200);
    expect(packets(released.text)).toEqual(["6"]);
    expect(upgraded).toBe(false);

    ws.send("5");
    await waitFor(() => upgraded, "`upgrade` event");
    expect(socket.transport.name).toBe("websocket");
    expect(socket.readyState).toBe("open");

    socket.send("over ws");
    expect(await ws.nextText()).toBe("4over ws");
    const got = new Promise((resolve) => socket.once("message", resolve));
    ws.send("4from client");
    expect(await got).toBe("from client");
    ws.send(Buffer.from([9, 8, 7]));
    const bin = await new Promise<unknown>((resolve) => socket.once("message", resolve));
    expect([...(bin as Buffer)]).toEqual([9, 8, 7]);

    // Polling for that sid is over.
    expect((await poll(srv, sid)).status).toBe(400);
    expect((await post(srv, sid, "4late")).status).toBe(400);
    // A second websocket with that sid is closed, and the upgraded one keeps working.
    const second = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
    await second.closed;
    socket.send("still");
    expect(await ws.nextText()).toBe("4still");
    expect(srv.isClosed(sid)).toBe(false);
    expect(srv.engine.clientsCount).toBe(1);
  });

  it("packets sent by the server during the upgrade are delivered exactly once, in order", async () => {
    const srv = await startServer(impl);
    const { sid, socket, ws } = await startUpgrade(srv);
    ws.send("2probe");
    expect(await ws.nextText()).toBe("3probe");
    socket.send("a");
    socket.send("b");
    // They may still go out over polling (a GET) or be held and flushed on the websocket after `5`.
    const viaPolling = packets((await poll(srv, sid)).text).filter((p) => p !== "6");
    ws.send("5");
    const expected = ["4a", "4b"];
    const viaWs: string[] = [];
    while (viaPolling.length + viaWs.length < expected.length) viaWs.push(await ws.nextText());
    expect([...viaPolling, ...viaWs]).toEqual(expected);
    socket.send("c");
    expect(await ws.nextText()).toBe("4c");
  });

  it("no `5` within upgradeTimeout: the probe websocket is closed and polling continues", async () => {
    const srv = await startServer(impl, { upgradeTimeout: 200 });
    const { sid, socket, ws } = await startUpgrade(srv);
    ws.send("2probe");
    expect(await ws.nextText()).toBe("3probe");
    await ws.closed;
    expect(srv.isClosed(sid)).toBe(false);
    expect(socket.transport.name).toBe("polling");
    expect(socket.readyState).toBe("open");
    socket.send("still polling");
    expect(packets((await poll(srv, sid)).text)).toContain("4still polling");
    const got = new Promise((resolve) => socket.once("message", resolve));
    expect((await post(srv, sid, "4up")).text).toBe("ok");
    expect(await got).toBe("up");
  });

  it("anything other than a probe/upgrade on the probe transport cancels the upgrade", async () => {
    const srv = await startServer(impl);
    const { sid, socket, ws } = await startUpgrade(srv);
    ws.send("4not a probe");
    await ws.closed;
    expect(srv.isClosed(sid)).toBe(false);
    expect(socket.transport.name).toBe("polling");
    socket.send("x");
    expect((await poll(srv, sid)).text).toBe("4x");
  });

  it("the client closing the probe websocket cancels the upgrade; polling continues", async () => {
    const srv = await startServer(impl);
    const { sid, socket, ws } = await startUpgrade(srv);
    ws.send("2probe");
    expect(await ws.nextText()).toBe("3probe");
    ws.ws.close();
    await ws.closed;
    socket.send("y");
    expect((await poll(srv, sid)).text).toBe("4y");
    expect(socket.transport.name).toBe("polling");
  });

  it("after a cancelled upgrade a new upgrade succeeds", async () => {
    const srv = await startServer(impl);
    const { sid, socket, ws } = await startUpgrade(srv);
    ws.ws.close();
    await ws.closed;
    const ws2 = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
    await ws2.opened;
    ws2.send("2probe");
    expect(await ws2.nextText()).toBe("3probe");
    ws2.send("5");
    await waitFor(() => socket.transport.name === "websocket", "upgraded");
    socket.send("z");
    expect(await ws2.nextText()).toBe("4z");
  });

  it("an upgrade for an unknown sid is refused", async () => {
    const srv = await startServer(impl);
    const ws = openWs(srv.wsUrl("EIO=4&transport=websocket&sid=nosuchsession12345678"));
    await expect(ws.opened).rejects.toThrow(/400/);
    await ws.closed;
    expect(srv.engine.clientsCount).toBe(0);
  });

  it("a second probe websocket while one is upgrading is refused", async () => {
    const srv = await startServer(impl);
    const { sid, ws } = await startUpgrade(srv);
    ws.send("2probe");
    expect(await ws.nextText()).toBe("3probe");
    const second = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
    await second.closed;
    // The first upgrade still completes.
    ws.send("5");
    const socket = await srv.socket(sid);
    await waitFor(() => socket.transport.name === "websocket", "upgraded");
  });

  it("after the upgrade the heartbeat runs over the websocket", async () => {
    const srv = await startServer(impl, { pingInterval: 300, pingTimeout: 200 });
    const { sid, socket, ws } = await startUpgrade(srv);
    ws.send("2probe");
    expect(await ws.nextText()).toBe("3probe");
    ws.send("5");
    await waitFor(() => socket.transport.name === "websocket", "upgraded");
    for (let round = 0; round < 2; round++) {
      expect(await ws.nextText()).toBe("2");
      ws.send("3");
    }
    expect(srv.isClosed(sid)).toBe(false);
  });

  it("server socket.close() during the upgrade closes the probe websocket too (`forced close`)", async () => {
    const srv = await startServer(impl);
    const { sid, socket, ws } = await startUpgrade(srv);
    ws.send("2probe");
    expect(await ws.nextText()).toBe("3probe");
    socket.close();
    // Server-initiated close over polling goes out in the next GET (§1.7).
    expect(await pollUntilClose(srv, sid)).toContain("1");
    expect((await srv.closed(sid)).reason).toBe("forced close");
    await ws.closed;
    expect((await poll(srv, sid)).status).toBe(400);
    expect(srv.engine.clientsCount).toBe(0);
  });
});
