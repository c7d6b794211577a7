// Heartbeat (docs/protocol.md §1.5): the server pings every pingInterval and drops a session whose
// client does not answer within pingTimeout. Raw clients play the silent peer. The deadlines run on a fake
// clock over real sockets (test/support/clock.ts), at the default intervals, and each is checked on both sides.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { advance, useFakeClock, useRealClock } from "../../../test/support/clock.js";
import { once as waitEvent, withTimeout } from "../../../test/support/wait.js";
import type { CloseReason, Socket } from "../src/index.js";
import {
  cleanup,
  nextText,
  once,
  raw,
  rawHandshake,
  rawWebSocket,
  startServer,
} from "./helpers.js";

const PING_INTERVAL = 25_000;
const PING_TIMEOUT = 20_000;
const DEFAULTS = { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT };

/** Resolves once the server socket has handled the next pong. */
function pongHandled(socket: Socket): Promise<unknown> {
  return waitEvent(socket, "packet", { filter: (p: { type: string }) => p.type === "pong" });
}

afterEach(cleanup);

describe("heartbeat", () => {
  beforeEach(useFakeClock);
  afterEach(useRealClock);

  test("a websocket client that never answers pings is closed with `ping timeout` at the deadline", async () => {
    const server = await startServer(DEFAULTS);
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    const open = await nextText(ws);
    expect(open.startsWith("0{")).toBe(true);
    const socket = await connection;
    const closed = once<[CloseReason]>(socket, "close");
    const ping = nextText(ws);
    await advance(PING_INTERVAL);
    expect(await ping).toBe("2");
    await advance(PING_TIMEOUT - 1);
    expect(socket.readyState).toBe("open");
    const wsClosed = once(ws, "close");
    await advance(1);
    expect((await closed)[0]).toBe("ping timeout");
    await wsClosed;
    expect(server.engine.clientsCount).toBe(0);
  });

  test("a websocket client that answers keeps the session through several rounds", async () => {
    const server = await startServer(DEFAULTS);
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    let beats = 0;
    socket.on("heartbeat", () => beats++);
    for (let i = 0; i < 5; i++) {
      const ping = nextText(ws);
      await advance(PING_INTERVAL);
      expect(await ping).toBe("2");
      const handled = pongHandled(socket);
      ws.send("3");
      await handled;
    }
    // Five intervals passed, far beyond one pingTimeout: each pong cancelled its deadline.
    expect(beats).toBeGreaterThanOrEqual(5);
    expect(socket.readyState).toBe("open");
  });

  test("a polling client that stops polling is closed with `ping timeout`; its sid is then unknown", async () => {
    const server = await startServer(DEFAULTS);
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const closed = once<[CloseReason]>(socket, "close");
    await advance(PING_INTERVAL + PING_TIMEOUT - 1);
    expect(socket.readyState).toBe("open");
    await advance(1);
    expect((await closed)[0]).toBe("ping timeout");
    const res = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 1, message: "Session ID unknown" });
  });

  test("an unsolicited pong does not postpone the next ping", async () => {
    const server = await startServer(DEFAULTS);
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    await advance(PING_INTERVAL / 2);
    const handled = pongHandled(socket);
    ws.send("3");
    ws.send("3");
    await handled;
    const ping = nextText(ws);
    await advance(PING_INTERVAL / 2);
    expect(await withTimeout(ping, 2000, "the ping due one pingInterval after the open")).toBe("2");
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
