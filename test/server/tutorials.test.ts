// The Socket.IO tutorials' apps as scenarios: chat, live user list, private hug, room chat.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings, type TransportSetting } from "./impls.js";
import type { IOServer, Pair, Started } from "./helpers.js";
import {
  barrier,
  cleanup,
  clientOptions,
  connect,
  connectPair,
  eventsNamed,
  once,
  record,
  startServer,
} from "./helpers.js";

afterEach(cleanup.run);

/** The tutorials' server code, written the way users write it against socket.io. */
function chatApp(io: IOServer): void {
  io.on("connection", (socket) => {
    socket.emit("user.list", [...io.of("/").sockets.keys()]);
    socket.broadcast.emit("user.add", socket.id);
    socket.on("chat message", (msg: string) => io.emit("chat message", msg, socket.id));
    socket.on("hug", (target: string) => io.to(target).emit("hugged", socket.id));
    socket.on("join", async (room: string, ack: () => void) => {
      await socket.join(room);
      ack();
    });
    socket.on("leave", async (room: string, ack: () => void) => {
      await socket.leave(room);
      ack();
    });
    socket.on("say", (room: string, text: string) =>
      io.to(room).emit("said", room, text, socket.id),
    );
    socket.on("disconnect", () => io.emit("user.remove", socket.id));
  });
}

async function users(started: Started, setting: TransportSetting, n: number): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) pairs.push(await connectPair(started, setting));
  return pairs;
}

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("tutorial apps over $label", (setting) => {
    it("chat: each message reaches everyone, the sender included", async () => {
      const started = await startServer(Server);
      chatApp(started.io);
      const pairs = await users(started, setting, 3);
      const got = pairs.map((p) => once(p.client, "chat message"));
      pairs[0]!.client.emit("chat message", "hello all");
      for (const args of await Promise.all(got))
        expect(args).toEqual(["hello all", pairs[0]!.client.id]);
    });

    it("user list: user.list on connect, user.add and user.remove keep it live", async () => {
      const started = await startServer(Server);
      chatApp(started.io);
      const join = () => {
        const client = connect(started.url, clientOptions(setting));
        return { client, list: once(client, "user.list") };
      };
      const a = join();
      const live = new Set((await a.list)[0] as string[]);
      a.client.on("user.add", (id: string) => live.add(id));
      a.client.on("user.remove", (id: string) => live.delete(id));
      expect([...live]).toEqual([a.client.id]);

      const added = once(a.client, "user.add");
      const b = join();
      const [listB] = (await b.list) as [string[]];
      expect([...listB].sort()).toEqual([a.client.id, b.client.id].sort());
      expect(await added).toEqual([b.client.id]);
      expect([...live].sort()).toEqual([...listB].sort());

      const bId = b.client.id;
      const removed = once(a.client, "user.remove");
      b.client.disconnect();
      expect(await removed).toEqual([bId]);
      expect([...live]).toEqual([a.client.id]);
    });

    it("hug: io.to(id) reaches only its target", async () => {
      const started = await startServer(Server);
      chatApp(started.io);
      const pairs = await users(started, setting, 3);
      const logs = pairs.map((p) => record(p.client));
      const [a, b] = pairs as [Pair, Pair, Pair];
      const hugged = once(b.client, "hugged");
      a.client.emit("hug", b.client.id);
      expect(await hugged).toEqual([a.client.id]);
      await barrier(pairs);
      expect(logs.map((l) => eventsNamed(l, "hugged").length)).toEqual([0, 1, 0]);
    });

    it("room chat: members get room messages; after leaving they don't", async () => {
      const started = await startServer(Server);
      chatApp(started.io);
      const pairs = await users(started, setting, 3);
      const logs = pairs.map((p) => record(p.client));
      const [a, b] = pairs as [Pair, Pair, Pair];
      await a.client.emitWithAck("join", "lobby");
      await b.client.emitWithAck("join", "lobby");
      const heard = once(b.client, "said");
      a.client.emit("say", "lobby", "hi lobby");
      expect(await heard).toEqual(["lobby", "hi lobby", a.client.id]);
      await b.client.emitWithAck("leave", "lobby");
      const heard2 = once(a.client, "said");
      a.client.emit("say", "lobby", "anyone?");
      expect(await heard2).toEqual(["lobby", "anyone?", a.client.id]);
      await barrier(pairs);
      expect(logs.map((l) => eventsNamed(l, "said").map((e) => e[1]))).toEqual([
        ["hi lobby", "anyone?"],
        ["hi lobby"],
        [],
      ]);
    });
  });
});
