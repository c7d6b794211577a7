// Malformed and oversize input closes only the offending session, with the right reason (our error codes and
// details; the cases engine.io shares, such as 400/413 answers, are tested once in test/engine/polling.test.ts).
import { connect as tcpConnect } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import type { CloseReason } from "../src/index.js";
import {
  cleanup,
  connect,
  nextText,
  once,
  raw,
  rawHandshake,
  rawWebSocket,
  startServer,
  waitFor,
} from "./helpers.js";

afterEach(cleanup);

describe("bad input", () => {
  test.each(["9foo", "", "0", "5", "x", "{}"])(
    "websocket text frame %j closes with `parse error`",
    async (frame) => {
      const server = await startServer();
      const connection = server.nextConnection();
      const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
      await nextText(ws);
      const socket = await connection;
      const closed = once<[CloseReason]>(socket, "close");
      ws.send(frame);
      expect((await closed)[0]).toBe("parse error");
    },
  );

  test("a websocket message over maxHttpBufferSize closes that session only", async () => {
    const server = await startServer({ maxHttpBufferSize: 100 });
    const first = server.nextConnection();
    const victim = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(victim);
    const victimSocket = await first;
    const second = server.nextConnection();
    const other = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(other);
    const otherSocket = await second;
    const closed = once<[CloseReason, Error?]>(victimSocket, "close");
    victim.send("4" + "x".repeat(200));
    const [reason, description] = await closed;
    expect(reason).toBe("transport error");
    expect((description as { code?: string }).code).toBe("ERR_EIO_PAYLOAD_TOO_LARGE");
    const echo = once<[string]>(otherSocket, "message");
    other.send("4still fine");
    expect((await echo)[0]).toBe("still fine");
    expect(server.engine.clientsCount).toBe(1);
  });

  test("a polling payload with a bad packet closes with `parse error` after the good ones", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const messages: unknown[] = [];
    socket.on("message", (m) => messages.push(m));
    const closed = once<[CloseReason]>(socket, "close");
    const res = await raw(
      server,
      "POST",
      `EIO=4&transport=polling&sid=${sid}`,
      "4a\x1ebAQID\x1e8oops\x1e4never",
      {
        "Content-Type": "text/plain;charset=UTF-8",
      },
    );
    expect(res.status).toBe(200);
    expect((await closed)[0]).toBe("parse error");
    expect(messages).toEqual(["a", Buffer.from([1, 2, 3])]);
  });

  test("an oversize POST gets 413 and closes that session (`transport error`); the process carries on", async () => {
    const server = await startServer({ maxHttpBufferSize: 1000 });
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const messages: unknown[] = [];
    socket.on("message", (m) => messages.push(m));
    const closed = once<[CloseReason, Error]>(socket, "close");
    const res = await raw(
      server,
      "POST",
      `EIO=4&transport=polling&sid=${sid}`,
      "4" + "x".repeat(5000),
    );
    expect(res.status).toBe(413);
    const [reason, description] = await closed;
    expect(reason).toBe("transport error");
    expect(description).toMatchObject({ code: "ERR_EIO_PAYLOAD_TOO_LARGE" });
    expect(messages).toEqual([]);
    const client = await connect(server, { transports: ["polling"] });
    expect(client.readyState).toBe("open");
  });

  test("listener exceptions never escape into the transport", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    const errors: Error[] = [];
    socket.on("error", (err) => errors.push(err));
    socket.on("message", () => {
      throw new Error("app bug");
    });
    const second = once<[string]>(socket, "data");
    ws.send("4first");
    ws.send("4second");
    await second;
    expect(errors.map((e) => e.message)).toContain("app bug");
    expect(socket.readyState).toBe("open");
  });

  test("a POST cut off mid-body closes its session at once with `transport error`, nothing delivered", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const messages: unknown[] = [];
    socket.on("message", (m) => messages.push(m));
    const closed = once<[CloseReason, Error]>(socket, "close");
    let arrived = false;
    server.http.once("request", () => (arrived = true));
    const tcp = tcpConnect(server.port, "127.0.0.1");
    tcp.on("error", () => {});
    await once(tcp, "connect");
    tcp.write(
      `POST /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n4partial`,
    );
    await waitFor(() => arrived, "the truncated POST reached the server");
    tcp.destroy();
    const [reason, description] = await closed;
    expect(reason).toBe("transport error");
    expect(description.message).toBe("data request connection closed prematurely");
    expect(messages).toEqual([]);
    // The session is gone (its payload was lost); others are not affected.
    const res = await raw(server, "POST", `EIO=4&transport=polling&sid=${sid}`, "4late");
    expect(res.status).toBe(400);
    const client = await connect(server, { transports: ["polling"] });
    expect(client.readyState).toBe("open");
  });
});
