import { afterEach, describe, expect, it } from "vitest";
import type { Socket as ClientSocket } from "socket.io-client";
import { connected, countdown, once, setup, TRANSPORTS, type TestContext } from "./helpers.js";

/** The tutorials' apps (socket.io.com/get-started), end to end with the official client. */
describe.each(TRANSPORTS)("tutorial scenarios over $name", ({ transports }) => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  async function clients(n: number): Promise<ClientSocket[]> {
    const list: ClientSocket[] = [];
    for (let i = 0; i < n; i++) {
      const c = ctx.client("/", { transports: [...transports] });
      await connected(c);
      list.push(c);
    }
    return list;
  }

  it("chat: each message reaches everyone, the sender included", async () => {
    ctx = await setup();
    ctx.io.on("connection", (socket) => {
      socket.on("chat message", (msg: string) => ctx.io.emit("chat message", msg));
    });
    const list = await clients(3);
    const received = list.map(() => [] as string[]);
    const all = countdown(6);
    list.forEach((c, i) =>
      c.on("chat message", (msg: string) => {
        received[i]?.push(msg);
        all.tick();
      }),
    );
    list[0]?.emit("chat message", "hello");
    await new Promise((r) => list[0]?.once("chat message", r));
    list[2]?.emit("chat message", "world");
    await all.done;
    for (const r of received) expect(r).toEqual(["hello", "world"]);
  });

  it("user list kept live with user.add / user.remove", async () => {
    ctx = await setup();
    const users = new Map<string, string>();
    ctx.io.on("connection", (socket) => {
      const name = String(socket.handshake.auth.name);
      users.set(socket.id, name);
      socket.emit("users", [...users.values()]);
      socket.broadcast.emit("user.add", name);
      socket.on("disconnect", () => {
        users.delete(socket.id);
        ctx.io.emit("user.remove", name);
      });
    });
    const alice = ctx.client("/", { transports: [...transports], auth: { name: "alice" } });
    const aliceUsers = once<[string[]]>(alice, "users");
    await connected(alice);
    expect((await aliceUsers)[0]).toEqual(["alice"]);
    const added = once<[string]>(alice, "user.add");
    const bob = ctx.client("/", { transports: [...transports], auth: { name: "bob" } });
    const bobUsers = once<[string[]]>(bob, "users");
    expect((await added)[0]).toBe("bob");
    expect((await bobUsers)[0]).toEqual(["alice", "bob"]);
    const removed = once<[string]>(alice, "user.remove");
    bob.disconnect();
    expect((await removed)[0]).toBe("bob");
    expect([...users.values()]).toEqual(["alice"]);
  });

  it("private hug through io.to(id) reaches only its target", async () => {
    ctx = await setup();
    ctx.io.on("connection", (socket) => {
      socket.on("hug", (target: string) => ctx.io.to(target).emit("hug", socket.id));
      socket.on("sync", (cb: () => void) => cb());
    });
    const [a, b, c] = (await clients(3)) as [ClientSocket, ClientSocket, ClientSocket];
    const hugs: string[][] = [[], [], []];
    [a, b, c].forEach((client, i) => client.on("hug", (from: string) => hugs[i]?.push(from)));
    const got = once<[string]>(b, "hug");
    a.emit("hug", b.id);
    expect((await got)[0]).toBe(a.id);
    // Round-trips after the hug: anything else would have arrived before them.
    await Promise.all([a.emitWithAck("sync"), c.emitWithAck("sync")]);
    expect(hugs).toEqual([[], [a.id], []]);
  });

  it("room chat with join and leave", async () => {
    ctx = await setup();
    ctx.io.on("connection", (socket) => {
      socket.on("join", async (room: string, cb: () => void) => {
        await socket.join(room);
        cb();
      });
      socket.on("leave", async (room: string, cb: () => void) => {
        await socket.leave(room);
        cb();
      });
      socket.on("say", (room: string, text: string) => ctx.io.to(room).emit("said", room, text));
      socket.on("sync", (cb: () => void) => cb());
    });
    const [a, b, c] = (await clients(3)) as [ClientSocket, ClientSocket, ClientSocket];
    const heard: string[][] = [[], [], []];
    [a, b, c].forEach((client, i) =>
      client.on("said", (room: string, text: string) => heard[i]?.push(`${room}:${text}`)),
    );
    await a.emitWithAck("join", "kitchen");
    await b.emitWithAck("join", "kitchen");
    await c.emitWithAck("join", "garden");
    const heardByB = once(b, "said");
    a.emit("say", "kitchen", "hi");
    await heardByB;
    await b.emitWithAck("leave", "kitchen");
    const heardByA = once(a, "said");
    a.emit("say", "kitchen", "anyone?");
    await heardByA;
    await Promise.all([b.emitWithAck("sync"), c.emitWithAck("sync")]);
    expect(heard).toEqual([["kitchen:hi", "kitchen:anyone?"], ["kitchen:hi"], []]);
  });
});
