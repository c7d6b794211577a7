// The exact Socket.IO v5 frames the server writes and accepts, seen from a raw ws client (docs/protocol.md §2.2–2.6).
// Drop-in compatibility lives here: other clients (Java, Swift, Python…) parse these bytes.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import type { ServerSocket } from "./helpers.js";
import { cleanup, once, startServer } from "./helpers.js";
import { RawClient } from "./raw-client.js";

afterEach(cleanup.run);

const text = (f: string | Buffer): f is string => typeof f === "string";
const placeholder = (num: number) => ({ _placeholder: true, num });

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  async function rawPair(opts = {}) {
    const started = await startServer(Server, opts);
    const connection = once(started.io, "connection");
    const raw = await RawClient.open(started.port);
    raw.send("40");
    const reply = (await raw.next((f) => text(f) && f.startsWith("40"))) as string;
    const [socket] = (await connection) as [ServerSocket];
    return { started, raw, socket, reply };
  }

  describe("wire format", () => {
    it('CONNECT reply is 40{"sid":…} with a fresh id that is not the Engine.IO sid', async () => {
      const { raw, socket, reply } = await rawPair();
      expect(reply).toMatch(/^40\{"sid":"[^"]+"\}$/);
      const sid = (JSON.parse(reply.slice(2)) as { sid: string }).sid;
      expect(sid).toBe(socket.id);
      expect(sid).not.toBe(raw.sid);
    });

    it('with connectionStateRecovery the CONNECT reply also carries "pid"', async () => {
      const { reply } = await rawPair({ connectionStateRecovery: {} });
      const body = JSON.parse(reply.slice(2)) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(["pid", "sid"]);
      expect(typeof body.pid).toBe("string");
    });

    it("namespaces: 40/admin, → 40/admin,{sid}; unknown → 44/random,{Invalid namespace}, also without comma", async () => {
      const started = await startServer(Server);
      started.io.of("/admin");
      const raw = await RawClient.open(started.port);
      raw.send("40/admin,");
      expect(await raw.next()).toMatch(/^40\/admin,\{"sid":"[^"]+"\}$/);
      raw.send("40/random,");
      expect(await raw.next()).toBe('44/random,{"message":"Invalid namespace"}');
      raw.send("40/random");
      expect(await raw.next()).toBe('44/random,{"message":"Invalid namespace"}');
      expect(raw.isOpen).toBe(true);
    });

    it("CONNECT auth payload reaches handshake.auth; middleware error → 44{message,data}", async () => {
      const started = await startServer(Server);
      started.io.use((socket, next) => {
        if (socket.handshake.auth.token === "good") return next();
        next(Object.assign(new Error("bad token"), { data: { retry: false } }));
      });
      const raw = await RawClient.open(started.port);
      raw.send('40{"token":"bad"}');
      expect(await raw.next()).toBe('44{"message":"bad token","data":{"retry":false}}');
      const connection = once(started.io, "connection");
      raw.send('40{"token":"good"}');
      expect(await raw.next()).toMatch(/^40\{"sid":/);
      const [socket] = (await connection) as [ServerSocket];
      expect(socket.handshake.auth).toEqual({ token: "good" });
    });

    it("server emit → 42[…]; broadcast frames are identical", async () => {
      const { started, raw, socket } = await rawPair();
      socket.emit("ev", 1, "a", { b: true }, null, [2]);
      expect(await raw.next()).toBe('42["ev",1,"a",{"b":true},null,[2]]');
      started.io.emit("all", "x");
      expect(await raw.next()).toBe('42["all","x"]');
    });

    it("server emit with ack → 42<id>[…]; the reply 43<id>[…] calls back; unknown ack ids are ignored", async () => {
      const { raw, socket } = await rawPair();
      const answer = new Promise<unknown[]>((resolve) =>
        socket.emit("q", 1, (...args: unknown[]) => resolve(args)),
      );
      const frame = (await raw.next()) as string;
      const match = /^42(\d+)\["q",1\]$/.exec(frame);
      expect(match).not.toBeNull();
      raw.send("43999[]"); // nobody waits for 999: ignored
      raw.send(`43${match![1]}["ok",{"n":2}]`);
      expect(await answer).toEqual(["ok", { n: 2 }]);
      expect(raw.isOpen).toBe(true);
    });

    it("client event with ack id → handler callback → 43<id>[…]", async () => {
      const { raw, socket } = await rawPair();
      socket.on("sum", (a: number, b: number, cb: (n: number) => void) => cb(a + b));
      raw.send('4217["sum",1,2]');
      expect(await raw.next()).toBe("4317[3]");
    });

    it("binary from the server: 451-[…placeholder…] then one binary frame", async () => {
      const { raw, socket } = await rawPair();
      socket.emit("bin", Buffer.from([1, 2, 3]), "t");
      const header = (await raw.next()) as string;
      expect(header.startsWith("451-")).toBe(true);
      expect(JSON.parse(header.slice(4))).toEqual(["bin", placeholder(0), "t"]);
      const attachment = await raw.next();
      expect(Buffer.isBuffer(attachment)).toBe(true);
      expect([...(attachment as Buffer)]).toEqual([1, 2, 3]);
    });

    it("binary from the client: 452-[…] + 2 frames arrive as Buffers in place; binary ack → 461-<id>[…]", async () => {
      const { raw, socket } = await rawPair();
      const got = new Promise<unknown[]>((resolve) =>
        socket.on("message", (...args: unknown[]) => {
          const cb = args.pop() as (...a: unknown[]) => void;
          cb(Buffer.from([9]));
          resolve(args);
        }),
      );
      raw.send(
        `452-789["message",${JSON.stringify(placeholder(0))},{"k":${JSON.stringify(placeholder(1))}}]`,
      );
      raw.send(Buffer.from([1]));
      raw.send(Buffer.from([2, 3]));
      const [a, b] = (await got) as [Buffer, { k: Buffer }];
      expect(Buffer.isBuffer(a) && [...a]).toEqual([1]);
      expect(Buffer.isBuffer(b.k) && [...b.k]).toEqual([2, 3]);
      const header = (await raw.next()) as string;
      expect(header.startsWith("461-789")).toBe(true);
      expect(JSON.parse(header.slice(7))).toEqual([placeholder(0)]);
      expect([...((await raw.next()) as Buffer)]).toEqual([9]);
    });

    it("server socket.disconnect() → 41 (41/admin, on a namespace); the Engine.IO connection stays", async () => {
      const started = await startServer(Server);
      started.io.of("/admin");
      const raw = await RawClient.open(started.port);
      const main = once(started.io, "connection");
      const admin = once(started.io.of("/admin"), "connection");
      await raw.connect("/");
      await raw.connect("/admin");
      const [[s1], [s2]] = (await Promise.all([main, admin])) as [[ServerSocket], [ServerSocket]];
      s2.disconnect();
      expect(await raw.next()).toBe("41/admin,");
      s1.disconnect();
      expect(await raw.next()).toBe("41");
      expect(raw.isOpen).toBe(true);
      // Reconnecting to the namespace on the same connection gives a new socket.
      expect(await raw.connect("/")).not.toBe(s1.id);
    });

    it("client 41 → server reason 'client namespace disconnect'; CONNECT again works", async () => {
      const { raw, socket } = await rawPair();
      const gone = once(socket, "disconnect");
      raw.send("41");
      expect((await gone)[0]).toBe("client namespace disconnect");
      const again = await raw.connect("/");
      expect(again).not.toBe(socket.id);
      expect(raw.isOpen).toBe(true);
    });

    it("socket.disconnect(true) → 41 for each namespace, then the connection closes", async () => {
      const started = await startServer(Server);
      started.io.of("/admin");
      const raw = await RawClient.open(started.port);
      const main = once(started.io, "connection");
      await raw.connect("/");
      await raw.connect("/admin");
      const [s1] = (await main) as [ServerSocket];
      s1.disconnect(true);
      const frames = [await raw.next(), await raw.next()];
      expect(frames.sort()).toEqual(["41", "41/admin,"]);
      await raw.closedWithin();
    });

    it("JSON semantics: undefined → null in arrays, dropped in objects; Dates as ISO strings (not binary)", async () => {
      const { raw, socket } = await rawPair();
      socket.emit("j", undefined, { a: undefined, d: new Date(0) }, 1);
      expect(await raw.next()).toBe('42["j",null,{"d":"1970-01-01T00:00:00.000Z"},1]');
    });

    it("acks answered out of order reach their own callbacks", async () => {
      const { raw, socket } = await rawPair();
      const answers = [1, 2, 3].map(
        (n) => new Promise<unknown>((resolve) => socket.emit("q", n, (v: unknown) => resolve(v))),
      );
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(/^42(\d+)\[/.exec((await raw.next()) as string)![1]!);
      expect(new Set(ids).size).toBe(3);
      for (const i of [2, 0, 1]) raw.send(`43${ids[i]}["a${i + 1}"]`);
      expect(await Promise.all(answers)).toEqual(["a1", "a2", "a3"]);
    });

    it("exactly 10 attachments (the limit) are accepted", async () => {
      const { raw, socket } = await rawPair();
      const got = once(socket, "ten");
      const placeholders = Array.from({ length: 10 }, (_, i) =>
        JSON.stringify(placeholder(i)),
      ).join(",");
      raw.send(`4510-["ten",${placeholders}]`);
      for (let i = 0; i < 10; i++) raw.send(Buffer.from([i]));
      const args = (await got) as Buffer[];
      expect(args.map((b) => b[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(raw.isOpen).toBe(true);
    });

    it("a numeric event name is accepted (42[7,…]) and seen by onAny", async () => {
      const { raw, socket } = await rawPair();
      const seen = new Promise<unknown[]>((resolve) =>
        socket.onAny((...args: unknown[]) => resolve(args)),
      );
      raw.send('42[7,"x"]');
      expect(await seen).toEqual([7, "x"]);
      expect(raw.isOpen).toBe(true);
    });

    it("decoded data cannot pollute prototypes", async () => {
      const { raw, socket } = await rawPair();
      const got = once(socket, "ev");
      raw.send(
        '42["ev",{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted2":true}}}]',
      );
      const [obj] = (await got) as [Record<string, unknown>];
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted2).toBeUndefined();
      expect(typeof obj).toBe("object");
      expect(raw.isOpen).toBe(true);
    });

    it("recovery on the wire: 40{pid,offset} → missed events first, then 40{sid,pid} with the same ids", async () => {
      const { started, raw, reply, socket } = await rawPair({ connectionStateRecovery: {} });
      const { sid, pid } = JSON.parse(reply.slice(2)) as { sid: string; pid: string };
      await socket.join("room");
      started.io.emit("tick", 1);
      const offset = (
        JSON.parse(((await raw.next()) as string).slice(2)) as unknown[]
      )[2] as string;
      const gone = once(socket, "disconnect");
      raw.ws.terminate();
      expect((await gone)[0]).toBe("transport close");
      started.io.to("room").emit("missed", "a");
      started.io.emit("missed", "b");
      started.io.to("other").emit("not-mine");

      const again = await RawClient.open(started.port);
      const connection = once(started.io, "connection");
      again.send(`40${JSON.stringify({ pid, offset })}`);
      const frames = [await again.next(), await again.next(), await again.next()] as string[];
      expect(JSON.parse(frames[0]!.slice(2)).slice(0, 2)).toEqual(["missed", "a"]);
      expect(JSON.parse(frames[1]!.slice(2)).slice(0, 2)).toEqual(["missed", "b"]);
      expect(JSON.parse(frames[2]!.slice(2))).toEqual({ sid, pid });
      const [recovered] = (await connection) as [ServerSocket];
      expect(recovered.recovered).toBe(true);
      expect(recovered.id).toBe(sid);
    });

    it("with connectionStateRecovery, socket.emit carries an offset too, but not volatile or acked events", async () => {
      const { raw, socket } = await rawPair({ connectionStateRecovery: {} });
      socket.emit("plain", 1);
      const plain = JSON.parse(((await raw.next()) as string).slice(2)) as unknown[];
      expect(plain.slice(0, 2)).toEqual(["plain", 1]);
      expect(plain).toHaveLength(3);
      expect(typeof plain[2]).toBe("string");
      socket.volatile.emit("vol", 2);
      expect(await raw.next()).toBe('42["vol",2]');
      socket.emit("acked", 3, () => {});
      expect(await raw.next()).toMatch(/^42\d+\["acked",3\]$/);
    });

    it("with connectionStateRecovery, broadcast events carry the offset as an extra last argument", async () => {
      const { started, raw } = await rawPair({ connectionStateRecovery: {} });
      started.io.emit("tick", 1);
      const frame = (await raw.next()) as string;
      const args = JSON.parse(frame.slice(2)) as unknown[];
      expect(args.slice(0, 2)).toEqual(["tick", 1]);
      expect(args).toHaveLength(3);
      expect(typeof args[2]).toBe("string");
    });
  });
});
