// The client against hand-written servers: malformed packets, silent servers, oversize garbage.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { io, type Socket } from "@switchboard/client";
import { next } from "./peers.js";

const OPEN = `0${JSON.stringify({ sid: "s1", upgrades: [], pingInterval: 10_000, pingTimeout: 10_000, maxPayload: 1e6 })}`;

describe("client against misbehaving servers", () => {
  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  const clients: Socket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) {
      c.io.reconnection(false);
      c.disconnect();
    }
    for (const ws of wss?.clients ?? []) ws.terminate();
    wss?.close();
    wss = undefined;
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http = undefined;
  });

  /** A raw WebSocket server that answers the Engine.IO handshake and then runs `script`. */
  async function rawServer(script: (ws: WebSocket, n: number) => void): Promise<string> {
    http = createServer();
    wss = new WebSocketServer({ server: http });
    let n = 0;
    wss.on("connection", (ws) => {
      ws.send(OPEN);
      script(ws, ++n);
    });
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  for (const [label, garbage] of [
    ["an unknown Socket.IO packet type", "49"],
    ["invalid JSON", '42["ev",'],
    ["a reserved event name", '42["disconnect"]'],
    ["an unexpected binary frame", Buffer.from([1, 2, 3])],
    ["an invalid Engine.IO packet", "x"],
  ] as const) {
    it(`closes with parse error on ${label}, then reconnects`, async () => {
      const url = await rawServer((ws, n) => {
        ws.on("message", (data) => {
          if (String(data).startsWith("40")) {
            ws.send('40{"sid":"abc"}');
            if (n === 1) ws.send(garbage);
          }
        });
      });
      const socket = io(url, {
        forceNew: true,
        transports: ["websocket"],
        reconnectionDelay: 5,
        randomizationFactor: 0,
      });
      clients.push(socket);
      const handlerErrors: unknown[] = [];
      socket.onAny(() => handlerErrors.push("event delivered"));
      const disconnected = next<[string]>(socket, "disconnect");
      await next(socket, "connect");
      const [reason] = await disconnected;
      expect(reason).toBe("parse error");
      expect(socket.active).toBe(true);
      await next(socket, "connect");
      expect(socket.connected).toBe(true);
      expect(handlerErrors).toEqual([]);
    });
  }

  it("reports a garbage handshake as connect_error(parse error) and keeps retrying", async () => {
    http = createServer();
    wss = new WebSocketServer({ server: http });
    let n = 0;
    wss.on("connection", (ws) => ws.send(++n === 1 ? "0{garbage" : OPEN));
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const socket = io(url, {
      forceNew: true,
      transports: ["websocket"],
      reconnectionDelay: 5,
      randomizationFactor: 0,
    });
    clients.push(socket);
    const [err] = await next<[Error]>(socket, "connect_error");
    expect(err.message).toBe("parse error");
    await next(socket.io, "open");
  });

  it("disconnects with ping timeout when the server goes silent, then reconnects", async () => {
    const silent = `0${JSON.stringify({ sid: "s1", upgrades: [], pingInterval: 20, pingTimeout: 20, maxPayload: 1e6 })}`;
    http = createServer();
    wss = new WebSocketServer({ server: http });
    wss.on("connection", (ws) => {
      ws.send(silent);
      ws.on("message", (data) => String(data).startsWith("40") && ws.send('40{"sid":"abc"}'));
    });
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const socket = io(url, {
      forceNew: true,
      transports: ["websocket"],
      reconnectionDelay: 5,
      randomizationFactor: 0,
    });
    clients.push(socket);
    const disconnected = next<[string]>(socket, "disconnect");
    await next(socket, "connect");
    expect((await disconnected)[0]).toBe("ping timeout");
    await next(socket, "connect");
  });

  it("reports a connect timeout when the server never answers", async () => {
    http = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const socket = io(url, { forceNew: true, timeout: 30, reconnection: false });
    clients.push(socket);
    const [err] = await next<[Error]>(socket, "connect_error");
    expect(err.message).toBe("timeout");
  });

  it("keeps working when a user handler throws (the error reaches the caller, not the decoder)", async () => {
    const url = await rawServer((ws) => {
      ws.on("message", (data) => {
        if (String(data).startsWith("40")) {
          ws.send('40{"sid":"abc"}');
          ws.send('42["boom"]');
          ws.send('42["after"]');
        }
      });
    });
    const socket = io(url, { forceNew: true, transports: ["websocket"], reconnection: false });
    clients.push(socket);
    socket.on("boom", () => {
      throw new Error("user bug");
    });
    const after = next(socket, "after");
    // The user's exception surfaces as an uncaught exception (as with socket.io-client); catch it here.
    const saved = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    const caught = new Promise<unknown>((resolve) => process.once("uncaughtException", resolve));
    try {
      await after;
      expect(((await caught) as Error).message).toBe("user bug");
    } finally {
      process.removeAllListeners("uncaughtException");
      for (const l of saved) process.on("uncaughtException", l);
    }
    expect(socket.connected).toBe(true);
  });
});
