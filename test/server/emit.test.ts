// Events both ways: argument counts, objects, nested binary, acknowledgements, timeouts, emitWithAck.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings } from "./impls.js";
import { bytes, cleanup, connectPair, once, startServer } from "./helpers.js";

afterEach(cleanup.run);

const argLists: unknown[][] = [
  [],
  [1],
  ["a", 2, true, null],
  [{ a: { b: [1, "two", { c: false }] } }, [1, [2, [3]]], "x", 0, -1.5],
];

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("emit over $label", (setting) => {
    it.each(argLists.map((args) => ({ args, n: args.length })))(
      "server → client with $n args",
      async ({ args }) => {
        const started = await startServer(Server);
        const { client, server } = await connectPair(started, setting);
        const got = once(client, "ev");
        server.emit("ev", ...args);
        expect(await got).toEqual(args);
      },
    );

    it.each(argLists.map((args) => ({ args, n: args.length })))(
      "client → server with $n args",
      async ({ args }) => {
        const started = await startServer(Server);
        const { client, server } = await connectPair(started, setting);
        const got = once(server, "ev");
        client.emit("ev", ...args);
        expect(await got).toEqual(args);
      },
    );

    it("server → client: nested Buffers arrive as binary with their bytes", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const got = once(client, "bin");
      server.emit("bin", Buffer.from([1, 2, 3]), {
        nested: { list: [Buffer.from([4, 5]), "text"] },
        n: 1,
      });
      const [a, b] = (await got) as [unknown, { nested: { list: [unknown, string] }; n: number }];
      expect(bytes(a)).toEqual([1, 2, 3]);
      expect(bytes(b.nested.list[0])).toEqual([4, 5]);
      expect(b.nested.list[1]).toBe("text");
      expect(b.n).toBe(1);
    });

    it("client → server: Buffer and ArrayBuffer arrive as Buffers", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const got = once(server, "bin");
      const ab = new Uint8Array([9, 8, 7]).buffer;
      client.emit("bin", Buffer.from([1, 2]), { deep: [ab, { k: Buffer.from([]) }] });
      const [a, b] = (await got) as [unknown, { deep: [unknown, { k: unknown }] }];
      expect(Buffer.isBuffer(a)).toBe(true);
      expect(bytes(a)).toEqual([1, 2]);
      expect(Buffer.isBuffer(b.deep[0])).toBe(true);
      expect(bytes(b.deep[0])).toEqual([9, 8, 7]);
      expect(bytes(b.deep[1].k)).toEqual([]);
    });

    it("a client with forceBase64 sends binary as base64 text; the server still gets Buffers", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting, "/", { forceBase64: true });
      const got = once(server, "b64");
      client.emit("b64", Buffer.from([0, 255, 128]), { n: new Uint8Array([7]).buffer });
      const [a, b] = (await got) as [unknown, { n: unknown }];
      expect(Buffer.isBuffer(a)).toBe(true);
      expect(bytes(a)).toEqual([0, 255, 128]);
      expect(bytes(b.n)).toEqual([7]);
      const back = once(client, "back");
      server.emit("back", Buffer.from([1, 2]));
      expect(bytes((await back)[0])).toEqual([1, 2]);
    });

    it("client → server ack: the server's callback answer reaches the client, binary included", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      server.on("sum", (a: number, b: number, cb: (...args: unknown[]) => void) =>
        cb(a + b, Buffer.from([a, b])),
      );
      const answer = await new Promise<unknown[]>((resolve) =>
        client.emit("sum", 2, 3, (...r: unknown[]) => resolve(r)),
      );
      expect(answer[0]).toBe(5);
      expect(bytes(answer[1])).toEqual([2, 3]);
    });

    it("server → client ack: the client's answer reaches the server callback, binary included", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      client.on("ask", (q: string, cb: (...args: unknown[]) => void) =>
        cb(`re:${q}`, new Uint8Array([7]).buffer),
      );
      const answer = await new Promise<unknown[]>((resolve) =>
        server.emit("ask", "q", (...r: unknown[]) => resolve(r)),
      );
      expect(answer[0]).toBe("re:q");
      expect(Buffer.isBuffer(answer[1])).toBe(true);
      expect(bytes(answer[1])).toEqual([7]);
    });

    it("an ack callback fires only once even if the client calls it twice", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      client.on("twice", (cb: (n: number) => void) => {
        cb(1);
        cb(2);
      });
      const calls: unknown[] = [];
      await new Promise<void>((resolve) =>
        server.emit("twice", (n: number) => {
          calls.push(n);
          resolve();
        }),
      );
      // A second round trip proves nothing else was pending on the wire.
      await new Promise<void>((resolve) => server.emit("twice", () => resolve()));
      expect(calls).toEqual([1]);
    });

    it("server timeout(ms).emit with an ack that never comes → 'operation has timed out'", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const received = once(client, "silent");
      const err = await new Promise<Error | null>((resolve) =>
        server.timeout(100).emit("silent", 1, (e: Error | null) => resolve(e)),
      );
      expect(await received).toHaveLength(2); // the client got 1 plus an ack function it never called
      expect(err).toBeInstanceOf(Error);
      expect(err?.message).toBe("operation has timed out");
    });

    it("server timeout(ms).emit with a prompt ack → (null, ...answer)", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      client.on("fast", (cb: (v: string) => void) => cb("ok"));
      const result = await new Promise<unknown[]>((resolve) =>
        server.timeout(2000).emit("fast", (...r: unknown[]) => resolve(r)),
      );
      expect(result).toEqual([null, "ok"]);
    });

    it("server emitWithAck resolves with the client's answer; with timeout it rejects", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      client.on("double", (n: number, cb: (v: number) => void) => cb(n * 2));
      await expect(server.emitWithAck("double", 21)).resolves.toBe(42);
      await expect(server.timeout(100).emitWithAck("nobody-answers")).rejects.toThrow(
        "operation has timed out",
      );
    });

    it("client emitWithAck resolves with the server's answer; client timeout rejects", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      server.on("upper", (s: string, cb: (v: string) => void) => cb(s.toUpperCase()));
      await expect(client.emitWithAck("upper", "abc")).resolves.toBe("ABC");
      await expect(client.timeout(100).emitWithAck("nobody-answers")).rejects.toThrow(
        "operation has timed out",
      );
    });

    it("keeps order across 200 events each way, mixing text and binary", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const n = 200;
      const toServer: number[] = [];
      const toClient: number[] = [];
      const serverDone = new Promise<void>((resolve) =>
        server.on("seq", (i: number) => toServer.push(i) === n && resolve()),
      );
      const clientDone = new Promise<void>((resolve) =>
        client.on("seq", (i: number) => toClient.push(i) === n && resolve()),
      );
      for (let i = 0; i < n; i++) {
        if (i % 7 === 0) {
          client.emit("seq", i, Buffer.from([i & 0xff]));
          server.emit("seq", i, Buffer.from([i & 0xff]));
        } else {
          client.emit("seq", i);
          server.emit("seq", i);
        }
      }
      await Promise.all([serverDone, clientDone]);
      const expected = Array.from({ length: n }, (_, i) => i);
      expect(toServer).toEqual(expected);
      expect(toClient).toEqual(expected);
    });

    it("carries multi-byte text and a 300 kB payload both ways intact", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const text = "héllo wörld ✓ 日本語 🎉\u001e record-separator inside";
      const big = "x".repeat(300_000);
      const toServer = once(server, "text");
      client.emit("text", text, big);
      expect(await toServer).toEqual([text, big]);
      const toClient = once(client, "text");
      server.emit("text", text, big);
      expect(await toClient).toEqual([text, big]);
    });

    it("client retries (retries + ackTimeout): the server answers a resent packet and each try reaches the handler", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting, "/", {
        retries: 3,
        ackTimeout: 150,
      });
      const tries: number[] = [];
      server.on("flaky", (n: number, cb: (v: string) => void) => {
        tries.push(n);
        if (tries.length === 2) cb(`done after ${tries.length}`); // ignore the first try
      });
      await expect(client.emitWithAck("flaky", 7)).resolves.toBe("done after 2");
      expect(tries).toEqual([7, 7]);
      // Later emits are not held back by the retried one.
      server.on("ok", (cb: (v: string) => void) => cb("ok"));
      await expect(client.emitWithAck("ok")).resolves.toBe("ok");
    });

    it("send()/message: emits 'message' both ways", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const toClient = once(client, "message");
      server.send("hi", 1);
      expect(await toClient).toEqual(["hi", 1]);
      const toServer = once(server, "message");
      client.send("yo");
      expect(await toServer).toEqual(["yo"]);
    });

    it("emitting a reserved event name throws on the server", async () => {
      const started = await startServer(Server);
      const { server } = await connectPair(started, setting);
      expect(() => server.emit("disconnect" as never)).toThrow();
      expect(() => server.emit("connect" as never)).toThrow();
    });
  });
});
