import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  ask,
  cleanup,
  client,
  join as joinChat,
  once,
  startChat,
  stopChat,
  tempDir,
  type Welcome,
} from "./helpers.js";

afterEach(cleanup);

describe("history", () => {
  it("shows the last 50 messages of a room after a restart on the same SQLite file", async () => {
    const dbFile = join(tempDir(), "chat.db");
    const rateLimit = { burst: 100, perSecond: 100, maxStrikes: 10 }; // 61 messages in a burst on purpose
    const first = await startChat({ dbFile, rateLimit });
    const alice = await joinChat(first, "alice");
    await ask(alice.socket, "join", { room: "dev" });
    for (let i = 1; i <= 60; i++)
      await ask(alice.socket, "message", { room: "general", text: `m${i}` });
    await ask(alice.socket, "message", { room: "dev", text: "dev only" });
    await stopChat(first);

    const second = await startChat({ dbFile, rateLimit });
    const bob = await joinChat(second, "bob");
    const history = bob.welcome.joined[0]!.history;
    expect(history.map((m) => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 11}`));
    expect(history.every((m) => m.from === "alice" && m.room === "general")).toBe(true);
    const dev = await ask(bob.socket, "join", { room: "dev" });
    expect((dev["history"] as { text: string }[]).map((m) => m.text)).toEqual(["dev only"]);
  });

  it("delivers messages typed while the server was down once it is back (client send buffer)", async () => {
    const dbFile = join(tempDir(), "chat.db");
    const first = await startChat({ dbFile });
    const port = first.port;
    const sender = client(first, { name: "alice" });
    const welcomed = once<[Welcome]>(sender, "welcome");
    sender.connect();
    await welcomed;

    const down = once(sender, "disconnect");
    await stopChat(first);
    await down;
    expect(sender.active).toBe(true); // still trying to reconnect
    const acked = ask(sender, "message", { room: "general", text: "typed offline" });
    expect(sender.sendBuffer.length).toBe(1);

    const second = await startChat({ dbFile, port });
    const bob = await joinChat(second, "bob");
    const seen = once<[{ text: string; from: string }]>(
      bob.socket,
      "message",
      (m) => m.text === "typed offline",
    );
    const ack = await acked;
    expect(ack).toMatchObject({ ok: true, message: { from: "alice", text: "typed offline" } });
    expect((await seen)[0].from).toBe("alice");
  });
});
