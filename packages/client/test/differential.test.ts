// Drop-in proof: the same scenarios run with the official socket.io-client and with ours, against the official
// socket.io server, must produce the same trace of observable events.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { Server } from "socket.io";
import * as official from "socket.io-client";
import * as ours from "@switchboard/client";
import { once as kitOnce, type Listenable } from "../../../test/support/wait.js";

type Io = (url: string, opts?: Record<string, unknown>) => any;
type Trace = unknown[];

const FAST = {
  forceNew: true,
  reconnectionDelay: 20,
  reconnectionDelayMax: 40,
  randomizationFactor: 0,
};

async function withServer(
  opts: Record<string, unknown>,
  setup: (io: Server) => void,
  run: (url: string, io: Server) => Promise<Trace>,
): Promise<Trace> {
  const http = createServer();
  const io = new Server(http, opts);
  setup(io);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  try {
    return await run(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, io);
  } finally {
    http.closeAllConnections();
    await io.close();
  }
}

/** The next `ev` of `em` (10 s bound of real time: a hang, not a speed check). */
const once = (em: Listenable, ev: string): Promise<any[]> => kitOnce(em, ev, 10_000);

const scenarios: Record<string, (io: Io) => Promise<Trace>> = {
  "events, binary and acks": (io) =>
    withServer(
      {},
      (srv) => srv.on("connection", (s) => s.on("echo", (...a: any[]) => a.pop()(...a))),
      async (url) => {
        const socket = io(url, FAST);
        const t: Trace = [];
        await once(socket, "connect");
        t.push(socket.connected, socket.disconnected, socket.active, typeof socket.id);
        t.push(await socket.emitWithAck("echo", 1, "a", { b: [true, null] }));
        const bin = await socket.emitWithAck("echo", Buffer.from([1, 2]));
        t.push(Buffer.isBuffer(bin), [...bin]);
        t.push(
          await socket
            .timeout(30)
            .emitWithAck("missing")
            .catch((e: Error) => e.message),
        );
        socket.disconnect();
        t.push(socket.connected, socket.active, socket.id);
        return t;
      },
    ),
  "middleware refusal, then connect() with fixed auth": (io) =>
    withServer(
      {},
      (srv) =>
        srv.use((s, next) => {
          if (s.handshake.auth.ok) return next();
          next(Object.assign(new Error("nope"), { data: { why: 1 } }));
        }),
      async (url) => {
        const socket = io(url, { ...FAST, auth: { ok: false } });
        const t: Trace = [];
        const [err] = await once(socket, "connect_error");
        t.push(err.message, err.data, socket.active, socket.connected);
        socket.auth = { ok: true };
        socket.connect();
        await once(socket, "connect");
        t.push(socket.connected);
        socket.disconnect();
        return t;
      },
    ),
  "server disconnect and client disconnect reasons": (io) =>
    withServer(
      {},
      (srv) => srv.on("connection", (s) => s.on("kick", () => s.disconnect())),
      async (url) => {
        const socket = io(url, FAST);
        const t: Trace = [];
        await once(socket, "connect");
        socket.emit("kick");
        t.push((await once(socket, "disconnect"))[0], socket.active);
        socket.connect();
        await once(socket, "connect");
        const reasons: string[] = [];
        socket.on("disconnect", (r: string) => reasons.push(r));
        socket.disconnect();
        t.push(reasons, socket.active);
        return t;
      },
    ),
  "transport dropped: reconnection events and offline buffer": (io) =>
    withServer(
      {},
      (srv) =>
        srv.on("connection", (s) => s.on("buf", (n: number, cb: (x: number) => void) => cb(n * 2))),
      async (url, srv) => {
        const socket = io(url, FAST);
        const t: Trace = [];
        socket.io.on("reconnect_attempt", (n: number) => t.push(`attempt ${n}`));
        socket.io.on("reconnect", (n: number) => t.push(`reconnect ${n}`));
        socket.io.on("close", (r: string) => t.push(`close ${r}`));
        await once(socket, "connect");
        const down = once(socket, "disconnect");
        for (const s of srv.of("/").sockets.values()) s.conn.close();
        t.push((await down)[0]);
        const acked = new Promise((resolve) => socket.emit("buf", 21, resolve));
        // (No volatile emit here: right after a drop, socket.io-client may still see the dead transport as
        // writable and buffer a volatile packet; we drop it, as documented for volatile emits.)
        t.push(socket.sendBuffer.length);
        await once(socket, "connect");
        t.push(await acked, socket.sendBuffer.length);
        socket.disconnect();
        return t;
      },
    ),
  "connection state recovery": (io) =>
    withServer(
      { connectionStateRecovery: {} },
      () => {},
      async (url, srv) => {
        const socket = io(url, { ...FAST, reconnectionDelay: 100, reconnectionDelayMax: 100 });
        const t: Trace = [];
        socket.on("tick", (n: number) => t.push(`tick ${n}`));
        socket.on("connect", () => t.push(`connect recovered=${socket.recovered}`));
        await once(socket, "connect");
        srv.emit("tick", 1);
        await once(socket, "tick");
        const down = once(socket, "disconnect");
        // The server stores the session before its socket emits "disconnect".
        const stored = [...srv.of("/").sockets.values()].map((s) => once(s, "disconnect"));
        for (const s of srv.of("/").sockets.values()) s.conn.close();
        await Promise.all([down, ...stored]);
        srv.emit("tick", 2);
        await once(socket, "connect");
        socket.disconnect();
        return t;
      },
    ),
};

describe("socket.io-client vs @switchboard/client (same traces)", () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const theirs = await scenario(official.io as unknown as Io);
      const mine = await scenario(ours.io as unknown as Io);
      expect(mine).toEqual(theirs);
    });
  }
});
