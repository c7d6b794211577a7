// Issue #12, the engine's side of it: sockets it touches always have an `error` listener, are never
// kept open by a peer that stops talking, and carry no listener of ours once `ws` owns them.
// (The black-box attack cases, run against the reference too, are in test/engine/hardening.test.ts.)
import { connect as tcpConnect, type Socket as NetSocket } from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, test } from "vitest";
import type { Socket } from "../src/index.js";
import {
  cleanup,
  connect,
  onCleanup,
  once,
  rawHandshake,
  rawWebSocket,
  startServer,
  waitFor,
} from "./helpers.js";

afterEach(cleanup);

function upgradeRequest(path: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
  );
}

async function tcp(port: number, allowHalfOpen = false): Promise<NetSocket> {
  const sock = tcpConnect({ port, host: "127.0.0.1", allowHalfOpen });
  sock.on("error", () => {});
  onCleanup(() => sock.destroy());
  await once(sock, "connect");
  return sock;
}

/** The TCP socket of a session's transport (WebSocket sessions only). */
function netSocketOf(socket: Socket): NetSocket {
  return (socket.transport as unknown as { netSocket: NetSocket }).netSocket;
}

describe("hardening", () => {
  test("an unanswered upgrade for another path is guarded at once and destroyed even if the peer stays half-open", async () => {
    const server = await startServer({ destroyUpgradeTimeout: 50 });
    const seen = new Promise<{ errorListeners: number; closed: Promise<unknown> }>((resolve) => {
      // Runs after the engine's listener and adds no `error` listener of its own.
      server.http.once("upgrade", (_req, socket: Duplex) => {
        resolve({ errorListeners: socket.listenerCount("error"), closed: once(socket, "close") });
      });
    });
    // allowHalfOpen: the client never closes its side, as a slowloris would not.
    const client = await tcp(server.port, true);
    const ended = once(client, "end");
    client.write(upgradeRequest("/elsewhere"));
    const { errorListeners, closed } = await seen;
    expect(errorListeners).toBeGreaterThan(0);
    await ended;
    await closed; // the server side is gone although the client never sent its FIN
  });

  test("a WebSocket session's TCP socket carries ws's error listener, none of ours", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    await rawWebSocket(server, "EIO=4&transport=websocket");
    const socket = await connection;
    expect(netSocketOf(socket).listenerCount("error")).toBe(1);
  });

  test("after an upgrade from polling the TCP socket carries ws's error listener only", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    await connect(server, { waitUpgrade: true });
    const socket = await connection;
    await waitFor(() => socket.transport.name === "websocket", "the server side of the upgrade");
    expect(netSocketOf(socket).listenerCount("error")).toBe(1);
  });

  test("a handshake reset while allowRequest decides opens no session once allowRequest accepts", async () => {
    let decide: ((err: string | null, ok: boolean) => void) | undefined;
    // Holds WebSocket handshakes until the test decides; polling ones pass.
    const server = await startServer({
      allowRequest: (req, cb) =>
        req.url?.includes("transport=websocket") ? (decide = cb) : cb(null, true),
    });
    let connections = 0;
    server.engine.on("connection", () => connections++);
    let closed = false;
    server.http.once("upgrade", (_req, s: Duplex) => s.once("close", () => (closed = true)));
    const client = await tcp(server.port);
    client.write(upgradeRequest("/engine.io/?EIO=4&transport=websocket"));
    await waitFor(() => decide !== undefined, "allowRequest to be called");
    client.resetAndDestroy();
    await waitFor(() => closed, "the server to see the reset");
    decide!(null, true); // the handshake goes on synchronously, on a dead socket
    expect(connections).toBe(0);
    expect(server.engine.clientsCount).toBe(0);
    // The engine still serves.
    expect(await rawHandshake(server)).toMatch(/^[\w-]{20}$/);
  });
});
