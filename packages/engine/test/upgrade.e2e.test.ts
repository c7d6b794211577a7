// Upgrade details with a raw peer (docs/protocol.md §1.6). The upgrade cases engine.io shares (timeout,
// cancellation) are tested once, against both servers, in test/engine/upgrade.test.ts.
import { afterEach, describe, expect, test } from "vitest";
import type { CloseReason } from "../src/index.js";
import {
  cleanup,
  nextText,
  once,
  raw,
  rawHandshake,
  rawWebSocket,
  startServer,
} from "./helpers.js";

afterEach(cleanup);

describe("upgrade with a raw peer", () => {
  test("a paused GET is released with `6` after the probe, then `5` switches the session", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const pending = raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    const ws = await rawWebSocket(server, `EIO=4&transport=websocket&sid=${sid}`);
    ws.send("2probe");
    expect(await nextText(ws)).toBe("3probe");
    expect((await pending).body).toBe("6");
    const upgraded = once(socket, "upgrade");
    ws.send("5");
    await upgraded;
    expect(socket.transport.name).toBe("websocket");
    socket.send("over ws");
    expect(await nextText(ws)).toBe("4over ws");
    const late = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(late.status).toBe(400);
  });

  test("close() before the client's `5`: the queue and the close move to the WebSocket", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const ws = await rawWebSocket(server, `EIO=4&transport=websocket&sid=${sid}`);
    ws.send("2probe");
    expect(await nextText(ws)).toBe("3probe");
    const closed = once<[CloseReason]>(socket, "close");
    socket.send("bye");
    socket.close();
    expect(socket.readyState).toBe("closing");
    ws.send("5");
    expect(await nextText(ws)).toBe("4bye");
    expect((await closed)[0]).toBe("forced close");
    await once(ws, "close");
  });

  test("a second probe while one is in progress gets its 101, then a close; the first goes on", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const first = await rawWebSocket(server, `EIO=4&transport=websocket&sid=${sid}`);
    // docs/protocol.md §1.6.1: accepted, then closed (a 400 would be fatal to clients), as on the reference.
    const second = await rawWebSocket(server, `EIO=4&transport=websocket&sid=${sid}`);
    await once(second, "close");
    expect(socket.upgrading).toBe(true);
    first.send("2probe");
    expect(await nextText(first)).toBe("3probe");
    const upgraded = once(socket, "upgrade");
    first.send("5");
    await upgraded;
    expect(socket.transport.name).toBe("websocket");
  });
});
