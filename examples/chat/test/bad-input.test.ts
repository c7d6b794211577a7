// Bad input: every malformed payload is answered by the chat's contract (src/contract.ts) in its ack error shape,
// `{ error: { code, event, issues: [{ path, message }] } }`, before any handler runs; what only the server's state
// can refuse (membership, room count, rate) is answered by the handlers in the same shape. The payloads are sent
// by the official socket.io-client, which knows nothing of the contract.
import { afterEach, describe, expect, it } from "vitest";
import { io as officialIo, type Socket as OfficialSocket } from "socket.io-client";
import WebSocket from "ws";
import { ask, cleanup, join, once, record, startChat, url, type Ack } from "./helpers.js";
import { cleanup as registry } from "../../../test/support/cleanup.js";
import type { ChatServer } from "../src/chat-server.js";

afterEach(cleanup);

/** An official socket.io-client joined as `name` (closed after the test). */
async function official(chat: ChatServer, name: string): Promise<OfficialSocket> {
  const socket = officialIo(url(chat), { forceNew: true, reconnection: false, auth: { name } });
  registry.add(() => void socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once("welcome", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Proves the server still serves: a fresh message round trip between two clients. */
async function stillServing(
  chat: ChatServer,
  a: Awaited<ReturnType<typeof join>>["socket"],
): Promise<void> {
  const probe = await join(chat, `probe${Math.floor(Math.random() * 1e6)}`);
  const seen = once<[{ text: string }]>(probe.socket, "message", (m) => m.text === "still alive");
  expect(await ask(a, "message", { room: "general", text: "still alive" })).toMatchObject({
    ok: true,
  });
  await seen;
}

const REQ = "REQUEST_VALIDATION_ERROR";
/** [event, payload, code, the first issue's path, the first issue's message (or a part of it)] */
const cases: [string, unknown, string, (string | number)[], string][] = [
  ["message", null, REQ, [0], "The payload must be an object"],
  ["message", 42, REQ, [0], "The payload must be an object"],
  ["message", "hello", REQ, [0], "The payload must be an object"],
  ["message", ["general", "hi"], REQ, [0], "The payload must be an object"],
  ["message", {}, REQ, [0, "room"], "A room name must be a string"],
  ["message", { room: "general" }, REQ, [0, "text"], "A message text must be a string"],
  ["message", { room: "general", text: { toString: "x" } }, REQ, [0, "text"], "must be a string"],
  ["message", { room: "general", text: "   " }, REQ, [0, "text"], "The message is empty"],
  ["message", { room: "general", text: "x".repeat(2001) }, REQ, [0, "text"], "longer than 2000"],
  ["message", { room: "general", text: "bell\u0007" }, REQ, [0, "text"], "control characters"],
  ["message", { room: "general", text: "hi", cid: "<script>" }, REQ, [0, "cid"], "short id"],
  ["message", { room: "not joined", text: "hi" }, REQ, [0, "room"], "Room names use a-z"],
  [
    "message",
    { room: "nowhere", text: "hi" },
    "ERR_CHAT_NOT_IN_ROOM",
    [0, "room"],
    "Join #nowhere",
  ],
  ["join", { room: 5 }, REQ, [0, "room"], "A room name must be a string"],
  ["join", { room: "r".repeat(41) }, REQ, [0, "room"], "longer than 40 characters"],
  ["join", { room: "<script>" }, REQ, [0, "room"], "Room names use a-z"],
  ["join", { room: "../etc" }, REQ, [0, "room"], "Room names use a-z"],
  ["join", { room: "   " }, REQ, [0, "room"], "The room name cannot be empty"],
  ["join", "general", REQ, [0], "The payload must be an object"],
  ["leave", { room: "nowhere" }, "ERR_CHAT_NOT_IN_ROOM", [0, "room"], "not in #nowhere"],
  ["leave", undefined, REQ, [0], "The payload must be an object"],
  ["private", { to: 5, text: "hi" }, REQ, [0, "to"], "A display name must be a string"],
  ["private", { to: "alice" }, REQ, [0, "text"], "A message text must be a string"],
  ["private", { to: "x".repeat(33), text: "hi" }, REQ, [0, "to"], "33 characters long"],
  ["private", { to: "a<b", text: "hi" }, REQ, [0, "to"], "forbidden characters"],
];

describe("bad payloads", () => {
  it("get the contract's error through the ack, never reach a handler, and the server keeps serving", async () => {
    const chat = await startChat({ rateLimit: { burst: 100, perSecond: 100, maxStrikes: 10 } });
    const { socket } = await join(chat, "alice");
    const mallory = await official(chat, "mallory");
    // A handler that ran would broadcast to #general (mallory and alice are both in it).
    const broadcast = record<{ text: string }>(socket, "message");
    for (const [event, payload, code, path, message] of cases) {
      const ack = (await mallory.timeout(5000).emitWithAck(event, payload)) as Ack;
      expect(Object.keys(ack)).toEqual(["error"]);
      const { error } = ack;
      expect({
        payload,
        code: error?.code,
        event: error?.event,
        first: error?.issues?.[0],
      }).toEqual({
        payload,
        code,
        event,
        first: { path, message: expect.stringContaining(message) },
      });
      // Nothing of the rejected payload comes back.
      const text = JSON.stringify(ack);
      expect(text).not.toContain("<script>");
      expect(text).not.toContain("xxxxxxxxxx");
    }
    // Not in the contract, or one argument too many: refused by the contract as well.
    expect(await mallory.timeout(5000).emitWithAck("no-such-event", 1)).toEqual({
      error: { code: "UNKNOWN_EVENT", event: "no-such-event" },
    });
    expect(await mallory.timeout(5000).emitWithAck("join", { room: "ok" }, "extra")).toMatchObject({
      error: { code: REQ, event: "join", issues: [{ path: [1], message: "unexpected argument" }] },
    });
    // Events without an ack, typing garbage, unknown events and extra arguments must not crash anything either.
    const typing = record<{ room: string; name: string }>(socket, "typing");
    mallory.emit("message", { nonsense: true });
    mallory.emit("typing", null);
    mallory.emit("typing", { room: ["general"] });
    mallory.emit("no-such-event", 1, 2, 3);
    mallory.emit("join", { room: "ok" }, "not a function");
    // Events of one socket are handled in order: when this typing reaches alice, the garbage before it is done.
    const typed = once(socket, "typing");
    mallory.emit("typing", { room: " General " });
    await typed;
    expect(typing).toEqual([{ room: "general", name: "mallory" }]);
    expect(mallory.connected).toBe(true);
    expect(broadcast).toEqual([]);
    await stillServing(chat, socket);
  });

  it("refuses a 21st room", async () => {
    const chat = await startChat({ rateLimit: { burst: 100, perSecond: 100, maxStrikes: 10 } });
    const { socket } = await join(chat, "alice");
    for (let i = 1; i < 20; i++)
      expect((await ask(socket, "join", { room: `r${i}` })).ok).toBe(true);
    expect(await ask(socket, "join", { room: "r20" })).toMatchObject({
      error: { code: "ERR_CHAT_TOO_MANY_ROOMS", event: "join", issues: [{ path: [0, "room"] }] },
    });
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
    for (let i = 0; i < 5; i++)
      expect((await ask(flooder.socket, "message", { room: "general", text: `m${i}` })).ok).toBe(
        true,
      );
    expect(
      await ask(flooder.socket, "message", { room: "general", text: "too much" }),
    ).toMatchObject({ error: { code: "ERR_CHAT_RATE_LIMITED", event: "message" } });
    expect(
      (await ask(flooder.socket, "message", { room: "general", text: "again" })).error?.code,
    ).toBe("ERR_CHAT_RATE_LIMITED");
    const kicked = once<[string]>(flooder.socket, "disconnect");
    flooder.socket.emit("message", { room: "general", text: "third strike" });
    expect((await kicked)[0]).toBe("io server disconnect");
    // Bob has his own bucket.
    expect(await ask(bob.socket, "message", { room: "general", text: "fine" })).toMatchObject({
      ok: true,
    });
  });
});

describe("flood protection and the contract", () => {
  it("counts malformed events too: the limit runs before the contract", async () => {
    const chat = await startChat({ rateLimit: { burst: 3, perSecond: 0.001, maxStrikes: 3 } });
    const mallory = await official(chat, "mallory");
    for (let i = 0; i < 3; i++)
      expect(await mallory.timeout(5000).emitWithAck("join", { room: 5 })).toMatchObject({
        error: { code: "REQUEST_VALIDATION_ERROR" },
      });
    expect(await mallory.timeout(5000).emitWithAck("join", { room: 5 })).toMatchObject({
      error: { code: "ERR_CHAT_RATE_LIMITED", event: "join" },
    });
  });
});
