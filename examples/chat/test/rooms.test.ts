import { afterEach, describe, expect, it } from "vitest";
import { ask, cleanup, join, once, record, startChat } from "./helpers.js";

afterEach(cleanup);

type Notice = { room: string; text: string };
type Members = { room: string; members: string[] };
type Rooms = { name: string; count: number }[];

describe("rooms", () => {
  it("starts everyone in #general with its member list", async () => {
    const chat = await startChat();
    await join(chat, "alice");
    const bob = await join(chat, "bob");
    expect(bob.welcome.joined).toEqual([
      { room: "general", members: ["alice", "bob"], history: [] },
    ]);
    expect(bob.welcome.rooms).toEqual([{ name: "general", count: 2 }]);
  });

  it("creates, joins and leaves rooms with notices, member lists and a live room list", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    const bob = await join(chat, "bob");

    const roomsForBob = once<[Rooms]>(bob.socket, "rooms", (r) => r.some((x) => x.name === "dev"));
    const created = await ask(alice.socket, "join", { room: "Dev" });
    expect(created).toEqual({ ok: true, room: "dev", members: ["alice"], history: [] });
    expect((await roomsForBob)[0]).toEqual([
      { name: "dev", count: 1 },
      { name: "general", count: 2 },
    ]);

    const notice = once<[Notice]>(alice.socket, "notice", (n) => n.room === "dev");
    const members = once<[Members]>(
      alice.socket,
      "members",
      (m) => m.room === "dev" && m.members.length === 2,
    );
    const bobJoined = await ask(bob.socket, "join", { room: "dev" });
    expect(bobJoined["members"]).toEqual(["alice", "bob"]);
    expect((await notice)[0].text).toBe("bob joined #dev");
    expect((await members)[0].members).toEqual(["alice", "bob"]);

    const left = once<[Notice]>(alice.socket, "notice", (n) => n.text === "bob left #dev");
    const membersAfter = once<[Members]>(
      alice.socket,
      "members",
      (m) => m.room === "dev" && m.members.length === 1,
    );
    expect(await ask(bob.socket, "leave", { room: "dev" })).toEqual({ ok: true, room: "dev" });
    await left;
    expect((await membersAfter)[0].members).toEqual(["alice"]);
    // Bob left: messages to #dev no longer reach him, and he may not write there.
    const bobMessages = record(bob.socket, "message");
    await ask(alice.socket, "message", { room: "dev", text: "still here?" });
    expect(await ask(bob.socket, "message", { room: "dev", text: "hi" })).toMatchObject({
      error: { code: "ERR_CHAT_NOT_IN_ROOM", event: "message", issues: [{ path: [0, "room"] }] },
    });
    expect(bobMessages).toEqual([]);
  });

  it("announces a dropped member to the rooms it was in", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    const bob = await join(chat, "bob", { rooms: ["general", "ops"] });
    expect(bob.welcome.joined.map((j) => j.room)).toEqual(["general", "ops"]);
    await ask(alice.socket, "join", { room: "ops" });
    const left = once<[Notice]>(alice.socket, "notice", (n) => n.text === "bob left #ops");
    bob.socket.disconnect();
    expect((await left)[0].room).toBe("ops");
  });

  it("rejoins the rooms named in auth on reconnect (ignoring invalid ones)", async () => {
    const chat = await startChat();
    const { welcome } = await join(chat, "alice", { rooms: ["ops", "bad room!", 7, "ops"] });
    expect(welcome.joined.map((j) => j.room)).toEqual(["ops"]);
  });
});
