// A server restart must not read as everyone leaving and coming back, and rooms with history stay listed.
import { afterEach, describe, expect, it } from "vitest";
import { join as pathJoin } from "node:path";
import { InProcessBus, InProcessClusterAdapter } from "@switchboard/adapter/testing";
import type { AdapterConstructor } from "@switchboard/server";
import {
  ask,
  cleanup,
  join,
  once,
  record,
  startChat,
  stopChat,
  tempDir,
  type Welcome,
} from "./helpers.js";

afterEach(cleanup);

type Notice = { room: string; text: string };
type Rooms = { name: string; count: number }[];

describe("server restart", () => {
  it("a graceful shutdown sends no 'left' notices and no shrinking user lists", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice", { rooms: ["general", "dev"] });
    const bob = await join(chat, "bob", { rooms: ["general", "dev"] });
    const carol = await join(chat, "carol", { rooms: ["general", "dev"] });
    const seen = [alice, bob, carol].map((c) => ({
      notices: record<Notice>(c.socket, "notice"),
      users: record<string[]>(c.socket, "users"),
    }));
    const gone = [alice, bob, carol].map((c) => once(c.socket, "disconnect"));
    await stopChat(chat);
    await Promise.all(gone);
    for (const s of seen) {
      expect(s.notices).toEqual([]);
      expect(s.users).toEqual([]);
    }
  });

  it("in a cluster, a node shutting down sends no 'left' notices to the users of the other nodes", async () => {
    const bus = new InProcessBus();
    const adapter: AdapterConstructor = (nsp) => new InProcessClusterAdapter(nsp, bus);
    const a = await startChat({ adapter });
    const b = await startChat({ adapter });
    await join(a, "alice", { rooms: ["general", "dev"] });
    const bob = await join(b, "bob", { rooms: ["general", "dev"] });
    const carol = await join(b, "carol");
    const notices = record<Notice>(bob.socket, "notice");
    await stopChat(a);
    await bus.flush();
    // Anything node A sent while closing has been delivered before this message from node B.
    const seen = once(bob.socket, "message");
    await ask(carol.socket, "message", { room: "general", text: "after the shutdown" });
    await seen;
    expect(notices).toEqual([]);
  });

  it("clients coming back with `resume` after a restart rejoin their rooms without notices", async () => {
    const dbFile = pathJoin(tempDir(), "chat.db");
    const first = await startChat({ dbFile });
    const auth = { rooms: ["general", "dev"], resume: true };
    const alice = await join(first, "alice", { ...auth, token: "ta" });
    const bob = await join(first, "bob", { ...auth, token: "tb" });
    const notices = [alice, bob].map((c) => record<Notice>(c.socket, "notice"));
    const port = first.port;
    await stopChat(first);

    // Both clients reconnect by themselves to the new server on the same port.
    const welcomes = [alice, bob].map((c) => once<[Welcome]>(c.socket, "welcome"));
    const second = await startChat({ dbFile, port });
    for (const [w] of await Promise.all(welcomes))
      expect(w.joined.map((j) => j.room)).toEqual(["general", "dev"]);
    // A later, real join is still announced (and proves the notices get through).
    const carolJoined = [alice, bob].map((c) =>
      once<[Notice]>(c.socket, "notice", (n) => n.text.includes("carol")),
    );
    await join(second, "carol", { rooms: ["dev"] });
    await Promise.all(carolJoined);
    expect(notices[0]!.map((n) => n.text)).toEqual(["carol joined #dev"]);
    expect(notices[1]!.map((n) => n.text)).toEqual(["carol joined #dev"]);
  });

  it("announces a resumed client that this server saw leave (a dropped connection, not a restart)", async () => {
    const chat = await startChat();
    const bob = await join(chat, "bob");
    const alice = await join(chat, "alice", { token: "t1" });
    const left = once<[Notice]>(bob.socket, "notice", (n) => n.text === "alice left #general");
    alice.socket.disconnect();
    await left;
    const back = once<[Notice]>(bob.socket, "notice", (n) => n.text === "alice joined #general");
    await join(chat, "alice", { token: "t1", rooms: ["general"], resume: true });
    await back;
  });
});

describe("rooms with history", () => {
  it("stay listed, with 0 members, after their last member leaves, and after a restart", async () => {
    const dbFile = pathJoin(tempDir(), "chat.db");
    const first = await startChat({ dbFile });
    const alice = await join(first, "alice");
    await ask(alice.socket, "join", { room: "dev" });
    await ask(alice.socket, "message", { room: "dev", text: "notes for later" });
    const emptied = once<[Rooms]>(alice.socket, "rooms", (r) =>
      r.some((x) => x.name === "dev" && x.count === 0),
    );
    expect(await ask(alice.socket, "leave", { room: "dev" })).toEqual({ ok: true, room: "dev" });
    expect((await emptied)[0]).toEqual([
      { name: "dev", count: 0 },
      { name: "general", count: 1 },
    ]);
    const port = first.port;
    await stopChat(first);

    const second = await startChat({ dbFile, port });
    const bob = await join(second, "bob");
    expect(bob.welcome.rooms).toEqual([
      { name: "dev", count: 0 },
      { name: "general", count: 1 },
    ]);
    const rejoined = await ask(bob.socket, "join", { room: "dev" });
    expect((rejoined["history"] as { text: string }[]).map((m) => m.text)).toEqual([
      "notes for later",
    ]);
  });
});
