// Idle footprint of a WebSocket session (issue #19): the transport routes `ws`'s events through an
// `emit` of its own (no listener table per socket) and drops the Receiver's last mask view. These
// tests pin that it still behaves like listeners: messages, close and errors reach the session, a
// listener added later on the `ws` socket still fires, and `ws` internals it clears are really clear.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { WebSocketTransport } from "../src/transports/websocket.js";
import type { Transport, TransportOwner } from "../src/transports/transport.js";

interface Pair {
  server: WebSocket;
  client: WebSocket;
  wss: WebSocketServer;
}

const open: Pair[] = [];

afterEach(async () => {
  for (const { client, server, wss } of open.splice(0)) {
    client.terminate();
    server.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
});

async function pair(maxPayload = 1024): Promise<Pair> {
  const wss = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    maxPayload,
    clientTracking: false,
  });
  await once(wss, "listening");
  const { port } = wss.address() as AddressInfo;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const [server] = (await once(wss, "connection")) as [WebSocket];
  await once(client, "open");
  const p = { server, client, wss };
  open.push(p);
  return p;
}

/** Records what the transport reports, and resolves `next` on each report. */
function recorder() {
  const seen: string[] = [];
  let wake: (() => void) | null = null;
  const push = (s: string) => {
    seen.push(s);
    wake?.();
  };
  const owner: TransportOwner = {
    onText: (_t: Transport, text: string) => push(`text:${text}`),
    onBinary: (_t: Transport, data: Buffer) => push(`binary:${data.length}`),
    onTransportError: (_t: Transport, err: Error) => push(`error:${err.name}`),
    onTransportClose: () => push("close"),
    onWritable: () => {},
    onDrain: () => {},
    hasPendingWrites: () => false,
  };
  const until = async (n: number) => {
    while (seen.length < n) await new Promise<void>((resolve) => (wake = resolve));
  };
  return { seen, owner, until };
}

type WsPrivate = {
  _events?: object;
  _extensions?: object;
  _receiver?: { _mask?: Buffer; _extensions?: object };
};

test("an idle ws socket keeps no listener table and no mask, and messages still arrive", async () => {
  const { server, client } = await pair();
  const transport = new WebSocketTransport(server);
  const rec = recorder();
  transport.owner = rec.owner;
  expect((server as unknown as WsPrivate)._events).toBeUndefined();
  client.send("4hello");
  client.send(Buffer.from([1, 2, 3]));
  await rec.until(2);
  expect(rec.seen).toEqual(["text:4hello", "binary:3"]);
  // The client masks every frame; after the message, the Receiver holds no view of the read chunk.
  expect((server as unknown as WsPrivate)._receiver?._mask).toBeUndefined();
  expect((server as unknown as WsPrivate)._events).toBeUndefined();
  client.close();
  await rec.until(3);
  expect(rec.seen[2]).toBe("close");
});

test("sockets without extensions share one frozen extensions object", async () => {
  const a = await pair();
  const b = await pair();
  new WebSocketTransport(a.server);
  new WebSocketTransport(b.server);
  const ea = (a.server as unknown as WsPrivate)._extensions;
  expect(ea).toBe((b.server as unknown as WsPrivate)._extensions);
  expect((a.server as unknown as WsPrivate)._receiver?._extensions).toBe(ea);
  expect(Object.isFrozen(ea)).toBe(true);
  expect(a.server.extensions).toBe("");
});

test("a listener added later on the ws socket still gets its events, after the transport", async () => {
  const { server, client } = await pair();
  const transport = new WebSocketTransport(server);
  const rec = recorder();
  transport.owner = rec.owner;
  const extra: string[] = [];
  server.on("message", (data) => extra.push(`extra:${String(data)}`));
  const closed = once(server, "close");
  client.send("4a");
  await rec.until(1);
  expect(extra).toEqual(["extra:4a"]);
  client.close();
  await closed;
  expect(rec.seen).toEqual(["text:4a", "close"]);
});

test("other events and added listeners get every argument ws passes, in order", async () => {
  const { server, client } = await pair();
  const transport = new WebSocketTransport(server);
  const rec = recorder();
  transport.owner = rec.owner;
  const got: unknown[][] = [];
  server.on("message", (...args: unknown[]) =>
    got.push(["message", String(args[0]), ...args.slice(1)]),
  );
  server.on("ping", (...args: unknown[]) => got.push(["ping", String(args[0]), args.length]));
  server.on("custom", (...args: unknown[]) => got.push(["custom", ...args]));
  // Arity is kept beyond the two arguments ws itself ever passes.
  expect(server.emit("custom", 1, 2, 3)).toBe(true);
  expect(server.emit("nobody")).toBe(false);
  client.ping("p");
  client.send("4a");
  // Both frames are handled before the session's promise resumes: the listeners ran in the same emit.
  await rec.until(1);
  expect(got).toEqual([
    ["custom", 1, 2, 3],
    ["ping", "p", 1],
    ["message", "4a", false],
  ]);
  expect(rec.seen).toEqual(["text:4a"]);
});

test("an oversize message reaches the session as an error, without an error listener, and does not throw", async () => {
  const { server, client } = await pair(16);
  const transport = new WebSocketTransport(server);
  const rec = recorder();
  transport.owner = rec.owner;
  expect(server.listenerCount("error")).toBe(0);
  client.send("4" + "x".repeat(64));
  await rec.until(1);
  expect(rec.seen[0]).toBe("error:PayloadTooLargeError");
});
