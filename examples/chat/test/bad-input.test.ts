import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ask, cleanup, join, once, startChat } from "./helpers.js";
import type { ChatServer } from "../src/chat-server.js";

afterEach(cleanup);

/** Proves the server still serves: a fresh message round trip between two clients. */
async function stillServing(chat: ChatServer, a: Awaited<ReturnType<typeof join>>["socket"]): Promise<void> {
  const probe = await join(chat, `probe${Math.floor(Math.random() * 1e6)}`);
  const seen = once<[{ text: string }]>(probe.socket, "message", (m) => m.text === "still alive");
  expect(await ask(a, "message", { room: "general", text: "still alive" })).toMatchObject({ ok: true });
  await seen;
}

describe("bad payloads", () => {
  it("get an error through the ack for every event, and the server keeps serving", async () => {
    const chat = await startChat({ rateLimit: { burst: 100, perSecond: 100, maxStrikes: 10 } });
    const { socket } = await join(chat, "alice");
    const cases: [string, unknown, string][] = [
      ["message", null, "ERR_CHAT_BAD_PAYLOAD"],
      ["message", 42, "ERR_CHAT_BAD_PAYLOAD"],
      ["message", "hello", "ERR_CHAT_BAD_PAYLOAD"],
      ["message", ["general", "hi"], "ERR_CHAT_BAD_PAYLOAD"],
      ["message", {}, "ERR_CHAT_BAD_PAYLOAD"],
      ["message", { room: "general" }, "ERR_CHAT_BAD_PAYLOAD"],
      ["message", { room: "general", text: { toString: "x" } }, "ERR_CHAT_BAD_PAYLOAD"],
      ["message", { room: "general", text: "   " }, "ERR_CHAT_EMPTY"],
      ["message", { room: "general", text: "x".repeat(2001) }, "ERR_CHAT_TOO_LONG"],
      ["message", { room: "general", text: "bell\u0007" }, "ERR_CHAT_TEXT_INVALID"],
      ["message", { room: "general", text: "hi", cid: "<script>" }, "ERR_CHAT_BAD_PAYLOAD"],
      ["message", { room: "not joined", text: "hi" }, "ERR_CHAT_ROOM_INVALID"],
      ["message", { room: "nowhere", text: "hi" }, "ERR_CHAT_NOT_IN_ROOM"],
      ["join", { room: 5 }, "ERR_CHAT_BAD_PAYLOAD"],
      ["join", { room: "r".repeat(41) }, "ERR_CHAT_ROOM_TOO_LONG"],
      ["join", { room: "<script>" }, "ERR_CHAT_ROOM_INVALID"],
      ["join", { room: "../etc" }, "ERR_CHAT_ROOM_INVALID"],
      ["join", "general", "ERR_CHAT_BAD_PAYLOAD"],
      ["leave", { room: "nowhere" }, "ERR_CHAT_NOT_IN_ROOM"],
      ["leave", undefined, "ERR_CHAT_BAD_PAYLOAD"],
      ["private", { to: 5, text: "hi" }, "ERR_CHAT_NAME_MISSING"],
      ["private", { to: "alice" }, "ERR_CHAT_BAD_PAYLOAD"],
      ["private", { to: "x".repeat(33), text: "hi" }, "ERR_CHAT_NAME_TOO_LONG"],
    ];
    for (const [event, payload, code] of cases) {
      const ack = await ask(socket, event, payload);
      expect({ event, payload, ack }).toMatchObject({ event, payload, ack: { ok: false, code, error: expect.any(String) } });
    }
    // Events without an ack, typing garbage, unknown events and extra arguments must not crash anything either.
    socket.emit("message", { nonsense: true });
    socket.emit("typing", null);
    socket.emit("typing", { room: ["general"] });
    socket.emit("no-such-event", 1, 2, 3);
    socket.emit("join", { room: "ok" }, "not a function");
    await stillServing(chat, socket);
  });

  it("refuses a 21st room", async () => {
    const chat = await startChat({ rateLimit: { burst: 100, perSecond: 100, maxStrikes: 10 } });
    const { socket } = await join(chat, "alice");
    for (let i = 1; i < 20; i++) expect((await ask(socket, "join", { room: `r${i}` })).ok).toBe(true);
    expect(await ask(socket, "join", { room: "r20" })).toMatchObject({ ok: false, code: "ERR_CHAT_TOO_MANY_ROOMS" });
  });

  it("closes only the connection that sends a malformed packet or an oversized frame", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    for (const frame of ['42["message",{"room":', "4" + "x".repeat(70 * 1024)]) {
      const ws = new WebSocket(`ws://127.0.0.1:${chat.port}/socket.io/?EIO=4&transport=websocket`);
      const closed = new Promise<void>((resolve) => ws.on("close", () => resolve()));
      const joined = new Promise<void>((resolve) =>
        ws.on("message", (data: WebSocket.RawData) => {
          const text = data.toString();
          if (text.startsWith("0")) ws.send('40{"name":"mallory"}');
          else if (text.startsWith("40")) resolve();
        }),
      );
      await joined;
      ws.send(frame);
      await closed;
    }
    await stillServing(chat, alice.socket);
  });
});

describe("flood protection", () => {
  it("slows a flooding client with an error, then disconnects it, without affecting others", async () => {
    const chat = await startChat({ rateLimit: { burst: 5, perSecond: 0.001, maxStrikes: 3 } });
    const flooder = await join(chat, "flooder");
    const bob = await join(chat, "bob");
    for (let i = 0; i < 5; i++) expect((await ask(flooder.socket, "message", { room: "general", text: `m${i}` })).ok).toBe(true);
    expect(await ask(flooder.socket, "message", { room: "general", text: "too much" })).toMatchObject({ ok: false, code: "ERR_CHAT_RATE_LIMITED" });
    expect((await ask(flooder.socket, "message", { room: "general", text: "again" })).code).toBe("ERR_CHAT_RATE_LIMITED");
    const kicked = once<[string]>(flooder.socket, "disconnect");
    flooder.socket.emit("message", { room: "general", text: "third strike" });
    expect((await kicked)[0]).toBe("io server disconnect");
    // Bob has his own bucket.
    expect(await ask(bob.socket, "message", { room: "general", text: "fine" })).toMatchObject({ ok: true });
  });
});
