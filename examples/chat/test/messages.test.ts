import { afterEach, describe, expect, it } from "vitest";
import { ask, cleanup, join, once, record, startChat } from "./helpers.js";

afterEach(cleanup);

type Msg = { id: string; room: string; from: string; text: string; ts: number; cid?: string };
type Pm = { id: string; from: string; to: string; text: string; cid?: string };

describe("room messages", () => {
  it("reach everyone in the room including the sender, and are acknowledged", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    const bob = await join(chat, "bob");
    const carol = await join(chat, "carol", { rooms: ["elsewhere"] });
    const carolSaw = record(carol.socket, "message");

    const toAlice = once<[Msg]>(alice.socket, "message");
    const toBob = once<[Msg]>(bob.socket, "message");
    const ack = await ask(alice.socket, "message", {
      room: "general",
      text: "hello <b>all</b>",
      cid: "c1",
    });
    expect(ack.ok).toBe(true);
    const sent = ack["message"] as Msg;
    expect(sent).toMatchObject({ room: "general", from: "alice", text: "hello <b>all</b>" });
    const [mine] = await toAlice;
    const [theirs] = await toBob;
    expect(mine).toEqual({ ...sent, cid: "c1" });
    expect(theirs.id).toBe(sent.id);
    // A message to #general after this one proves ordering: carol's list must still be empty.
    await ask(bob.socket, "message", { room: "general", text: "second" });
    expect(carolSaw).toEqual([]);
  });
});

describe("private messages", () => {
  it("are seen by sender and recipient only", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    const bob = await join(chat, "bob");
    const carol = await join(chat, "carol");
    const carolPms = record(carol.socket, "private");
    const carolMsgs = record(carol.socket, "message");

    const toBob = once<[Pm]>(bob.socket, "private");
    const echo = once<[Pm]>(alice.socket, "private");
    const ack = await ask(alice.socket, "private", { to: "BOB", text: "a hug", cid: "p1" });
    expect(ack).toMatchObject({ ok: true, message: { from: "alice", to: "bob", text: "a hug" } });
    expect((await toBob)[0]).toMatchObject({ from: "alice", to: "bob", text: "a hug" });
    expect((await echo)[0]).toMatchObject({ to: "bob", cid: "p1" });
    expect((await toBob)[0].cid).toBeUndefined();

    // Carol then receives a broadcast, so anything addressed to her earlier would have arrived first.
    const marker = once(carol.socket, "message");
    await ask(bob.socket, "message", { room: "general", text: "marker" });
    await marker;
    expect(carolPms).toEqual([]);
    expect(carolMsgs).toHaveLength(1);
  });

  it("are refused for users who are not online, and to oneself", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    expect(await ask(alice.socket, "private", { to: "nobody", text: "hi" })).toMatchObject({
      error: { code: "ERR_CHAT_NO_SUCH_USER", event: "private", issues: [{ path: [0, "to"] }] },
    });
    expect(await ask(alice.socket, "private", { to: "alice", text: "hi" })).toMatchObject({
      error: { code: "ERR_CHAT_SELF", event: "private" },
    });
  });
});

describe("typing indicator", () => {
  it("reaches the other members of the room, not the sender, and is throttled", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    const bob = await join(chat, "bob");
    const aliceTyping = record(alice.socket, "typing");
    const bobTyping = record<{ room: string; name: string }>(bob.socket, "typing");

    const seen = once<[{ room: string; name: string }]>(bob.socket, "typing");
    alice.socket.emit("typing", { room: "general" });
    alice.socket.emit("typing", { room: "general" }); // within the throttle window: dropped
    expect((await seen)[0]).toEqual({ room: "general", name: "alice" });
    // A later acknowledged round trip from alice flushes anything still in flight behind the typing packets.
    const marker = once(bob.socket, "message");
    await ask(alice.socket, "message", { room: "general", text: "done" });
    await marker;
    expect(bobTyping).toHaveLength(1);
    expect(aliceTyping).toEqual([]);
  });
});
