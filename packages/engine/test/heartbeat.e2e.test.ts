// Heartbeat (docs/protocol.md §1.5): the server pings every pingInterval and drops a session whose
// client does not answer within pingTimeout. Raw clients play the silent peer.
import { afterEach, describe, expect, test } from "vitest";
import type { CloseReason } from "../src/index.js";
import { cleanup, nextText, once, raw, rawHandshake, rawWebSocket, startServer } from "./helpers.js";

afterEach(cleanup);

describe("heartbeat", () => {
  test("a websocket client that never answers pings is closed with `ping timeout`", async () => {
    const server = await startServer({ pingInterval: 40, pingTimeout: 40 });
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    const open = await nextText(ws);
    expect(open.startsWith("0{")).toBe(true);
    const socket = await connection;
    const closed = once<[CloseReason]>(socket, "close");
    expect(await nextText(ws)).toBe("2");
    const wsClosed = once(ws, "close");
    expect((await closed)[0]).toBe("ping timeout");
    await wsClosed;
    expect(server.engine.clientsCount).toBe(0);
  });

  test("a websocket client that answers keeps the session through several rounds", async () => {
    const server = await startServer({ pingInterval: 30, pingTimeout: 200 });
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    let beats = 0;
    socket.on("heartbeat", () => beats++);
    for (let i = 0; i < 5; i++) {
      expect(await nextText(ws)).toBe("2");
      ws.send("3");
    }
    await once(socket, "heartbeat");
    expect(beats).toBeGreaterThanOrEqual(5);
    expect(socket.readyState).toBe("open");
  });

  test("a polling client that stops polling is closed with `ping timeout`; its sid is then unknown", async () => {
    const server = await startServer({ pingInterval: 40, pingTimeout: 40 });
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    expect((await once<[CloseReason]>(socket, "close"))[0]).toBe("ping timeout");
    const res = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 1, message: "Session ID unknown" });
  });

  test("an unsolicited pong does not postpone the next ping", async () => {
    const server = await startServer({ pingInterval: 60, pingTimeout: 500 });
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    ws.send("3");
    ws.send("3");
    expect(await nextText(ws)).toBe("2");
  });

  test("a client ping outside the upgrade probe is a protocol error (`parse error`)", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    const closed = once<[CloseReason, Error?]>(socket, "close");
    ws.send("2");
    const [reason, description] = await closed;
    expect(reason).toBe("parse error");
    expect((description as { code?: string }).code).toBe("ERR_EIO_PARSE_ERROR");
  });
});
