// The polling transport's per-request work (issue #19, long-polling): the body deadline is kept queued
// between POSTs and still cuts a later stalled body; a GET answered at once carries no close listener
// while one left pending still closes the session when its client goes away.
import { connect as tcpConnect, type Socket as NetSocket } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import type { Socket } from "../src/index.js";
import { cleanup, onCleanup, once, raw, rawHandshake, startServer, waitFor } from "./helpers.js";

afterEach(cleanup);

async function tcp(port: number): Promise<NetSocket> {
  const sock = tcpConnect({ port, host: "127.0.0.1" });
  sock.on("error", () => {});
  onCleanup(() => sock.destroy());
  await once(sock, "connect");
  return sock;
}

/** The session's close reason. */
function closed(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once("close", (reason: string) => resolve(reason)));
}

describe("polling requests", () => {
  test("after bodies that completed, a stalled one is still cut with 408", async () => {
    const server = await startServer({ httpRequestBodyTimeout: 300 });
    const next = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await next;
    const messages: string[] = [];
    socket.on("message", (m) => messages.push(String(m)));
    for (const text of ["a", "b", "c"]) {
      const res = await raw(server, "POST", `EIO=4&transport=polling&sid=${sid}`, `4${text}`);
      expect(res.body).toBe("ok");
    }
    expect(messages).toEqual(["a", "b", "c"]);
    const reason = closed(socket);
    const sock = await tcp(server.port);
    let answer = "";
    sock.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    sock.write(
      `POST /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n4slow",
    );
    await once(sock, "close");
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await reason).toBe("transport error");
    expect(messages).toEqual(["a", "b", "c"]);
  });

  test("a session idle after its POSTs is not closed by their deadline", async () => {
    const server = await startServer({ httpRequestBodyTimeout: 50, pingInterval: 5000 });
    const next = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await next;
    expect((await raw(server, "POST", `EIO=4&transport=polling&sid=${sid}`, "4x")).body).toBe("ok");
    // The kept deadline fires as a no-op: a GET held past it is still answered by the next message.
    const transport = socket.transport as unknown as { onBodyTimeout(): void };
    const fired = new Promise<void>((resolve) => {
      const original = transport.onBodyTimeout.bind(transport);
      transport.onBodyTimeout = () => {
        original();
        resolve();
      };
    });
    const get = raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    await fired;
    expect(socket.readyState).toBe("open");
    socket.send("later");
    expect((await get).body).toBe("4later");
  });

  test("a GET answered at once gets no close listener; a pending one does and its loss closes the session", async () => {
    const server = await startServer();
    const next = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await next;
    const listeners: number[] = [];
    server.http.prependListener("request", (_req, res) => {
      // After the engine's handler has run (it runs synchronously within this emit).
      queueMicrotask(() => listeners.push(res.listenerCount("close")));
    });
    socket.send("ready");
    expect((await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`)).body).toBe("4ready");
    const reason = closed(socket);
    const sock = await tcp(server.port);
    sock.write(`GET /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await waitFor(() => listeners.length === 2, "both GETs handled");
    expect(listeners[1]).toBe(listeners[0]! + 1);
    sock.destroy();
    expect(await reason).toBe("transport error");
  });
});
