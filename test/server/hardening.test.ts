// Issue #12, where socket.io 4.8.4 and Switchboard behave the same: anything but a CONNECT before the first
// CONNECT closes that connection; a decoder's attachment limit set through a custom `parser` (socket.io's way)
// is honoured; a flood of CONNECTs to unknown or refused dynamic namespaces leaves nothing behind. Each case
// affects only the offending connection, checked with a witness client on the same server.
import * as sioParser from "socket.io-parser";
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, type ServerCtor } from "./impls.js";
import {
  cleanup,
  connectPair,
  once,
  startServer,
  type Pair,
  type ServerSocket,
  type Started,
} from "./helpers.js";
import { RawClient } from "./raw-client.js";

afterEach(cleanup.run);

const ws = { label: "websocket", transports: ["websocket" as const] };
const placeholder = (num: number) => `{"_placeholder":true,"num":${num}}`;
/** A binary EVENT header announcing `n` attachments (Engine.IO message prefix included). */
const binaryEvent = (event: string, n: number) =>
  `45${n}-["${event}",${Array.from({ length: n }, (_, i) => placeholder(i)).join(",")}]`;

/** A server with an `echo` handler and a witness client connected over websocket. */
async function withWitness(
  Server: ServerCtor,
  opts: Record<string, unknown> = {},
): Promise<{ started: Started; witness: Pair }> {
  const started = await startServer(Server, opts);
  started.io.on("connection", (s) => s.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x)));
  const witness = await connectPair(started, ws);
  return { started, witness };
}

async function witnessStillWorks(started: Started, witness: Pair): Promise<void> {
  expect(witness.client.connected).toBe(true);
  await expect(witness.client.timeout(2000).emitWithAck("echo", "alive")).resolves.toBe("alive");
  expect(started.io.engine.clientsCount).toBe(1);
  expect(started.io.of("/").sockets.size).toBe(1);
}

/** Long-polling by hand: a session id and GETs until the server forgets the session. */
async function pollingSession(started: Started): Promise<string> {
  const base = `${started.url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  return `${base}&sid=${(JSON.parse(open.slice(1)) as { sid: string }).sid}`;
}

/** GETs until the session is unknown (the close packet comes first; socket.io sends a noop before it). */
async function expectSessionGone(url: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const res = await fetch(url);
    if (res.status === 400) {
      expect(await res.json()).toEqual({ code: 1, message: "Session ID unknown" });
      return;
    }
    expect((await res.text()).split("\x1e")).toContain("1");
  }
  expect.fail("the session was still open after three polls");
}

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;
  // socket.io closes the Engine.IO connection itself (its sockets see `forced close`); Switchboard names a
  // decoder error for what it is (docs/protocol.md §3).
  const decodeReason = impl.name === "switchboard" ? "parse error" : "forced close";

  describe("before the first CONNECT, anything but a CONNECT closes the connection", () => {
    it.each([
      { label: "a binary WebSocket frame", frames: [Buffer.from([1, 2, 3])] },
      { label: "an invalid packet", frames: ["4x"] },
      { label: "an EVENT", frames: ['42["echo","x"]'] },
      {
        label: "a binary EVENT and its attachment",
        frames: [binaryEvent("echo", 1), Buffer.from([1])],
      },
      { label: "an ACK", frames: ['431["x"]'] },
      { label: "a DISCONNECT", frames: ["41"] },
      { label: "a CONNECT_ERROR", frames: ['44{"message":"x"}'] },
    ])("$label", async ({ frames }) => {
      const { started, witness } = await withWitness(Server);
      let connections = 0;
      started.io.on("connection", () => connections++);
      const raw = await RawClient.open(started.port);
      for (const frame of frames) raw.send(frame);
      await raw.closedWithin();
      await witnessStillWorks(started, witness);
      expect(connections).toBe(0);
    });

    it.each([
      { label: "a base64 `b…` packet", body: "bAQID" },
      { label: "an invalid packet", body: "4x" },
    ])("over long-polling: $label", async ({ body }) => {
      const started = await startServer(Server);
      started.io.on("connection", (s) =>
        s.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x)),
      );
      const witness = await connectPair(started, { label: "polling", transports: ["polling"] });
      const url = await pollingSession(started);
      expect((await fetch(url, { method: "POST", body })).status).toBe(200);
      await expectSessionGone(url);
      await witnessStillWorks(started, witness);
    });

    it("an EVENT while the CONNECT is still in a middleware; the late next() then admits nothing", async () => {
      const { started, witness } = await withWitness(Server);
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        started.io.use((socket, next) => {
          if (socket.handshake.auth.hold !== true) return next();
          release = next;
          resolve();
        });
      });
      let connections = 0;
      started.io.on("connection", () => connections++);
      const raw = await RawClient.open(started.port);
      raw.send('40{"hold":true}');
      await held;
      raw.send('42["echo","x"]');
      await raw.closedWithin();
      release();
      await witnessStillWorks(started, witness);
      expect(connections).toBe(0);
    });
  });

  describe("maxAttachments through a custom parser (socket.io 4.8.4 has no server option for it)", () => {
    class Decoder extends sioParser.Decoder {
      constructor() {
        super({ maxAttachments: 2 });
      }
    }
    const parser = { Encoder: sioParser.Encoder, Decoder };

    it("up to the limit is delivered; one more closes that connection only", async () => {
      const { started, witness } = await withWitness(Server, { parser });
      const connection = once(started.io, "connection");
      const raw = await RawClient.open(started.port);
      await raw.connect();
      const [victim] = (await connection) as [ServerSocket];
      const got = once(victim, "files");
      raw.send(binaryEvent("files", 2));
      raw.send(Buffer.from([1]));
      raw.send(Buffer.from([2]));
      expect((await got).map((b) => [...(b as Buffer)])).toEqual([[1], [2]]);

      const errors: unknown[] = [];
      victim.on("error", (err: unknown) => errors.push(err));
      const gone = once(victim, "disconnect");
      raw.send(binaryEvent("files", 3));
      await raw.closedWithin();
      expect((await gone)[0]).toBe(decodeReason);
      expect(errors).toHaveLength(1);
      await witnessStillWorks(started, witness);
    });
  });

  describe("a flood of CONNECTs leaves no namespace behind", () => {
    it("to unknown namespaces: each is refused, nothing is created, the connection stays usable", async () => {
      const { started, witness } = await withWitness(Server);
      const before = [...started.io._nsps.keys()];
      const raw = await RawClient.open(started.port);
      const n = 300;
      for (let i = 0; i < n; i++) raw.send(`40/nope-${i},`);
      for (let i = 0; i < n; i++) {
        expect(await raw.next((f) => typeof f === "string" && f.startsWith(`44/nope-${i},`))).toBe(
          `44/nope-${i},{"message":"Invalid namespace"}`,
        );
      }
      expect([...started.io._nsps.keys()]).toEqual(before);
      await raw.connect();
      expect(raw.isOpen).toBe(true);
      expect(started.io.of("/").sockets.size).toBe(2);
      expect(started.io.engine.clientsCount).toBe(2);
      expect(witness.client.connected).toBe(true);
    });

    it("with cleanupEmptyChildNamespaces, a child whose CONNECT a middleware refused is removed", async () => {
      const started = await startServer(Server, { cleanupEmptyChildNamespaces: true });
      const parent = started.io.of(/^\/room-\d+$/);
      parent.use((socket, next) =>
        next(socket.handshake.auth.ok === true ? undefined : new Error("no")),
      );
      const created: string[] = [];
      started.io.on("new_namespace", (nsp) => created.push(nsp.name));
      const before = [...started.io._nsps.keys()];
      const raw = await RawClient.open(started.port);
      for (let i = 0; i < 50; i++) {
        raw.send(`40/room-${i},`);
        expect(await raw.next()).toBe(`44/room-${i},{"message":"no"}`);
      }
      expect(created).toHaveLength(50);
      expect([...started.io._nsps.keys()]).toEqual(before);
      // An accepted socket still gets its namespace, which goes with its last socket.
      const id = await raw.connect("/room-7", { ok: true });
      expect(started.io._nsps.get("/room-7")?.sockets.has(id)).toBe(true);
      const left = once(started.io._nsps.get("/room-7")!.sockets.get(id)!, "disconnect");
      raw.send("41/room-7,");
      await left;
      expect([...started.io._nsps.keys()]).toEqual(before);
    });
  });
});
