// `allowEIO3: true` (issue #13, docs/protocol.md §1.10): the official socket.io-client 2.5.0 (Engine.IO v3,
// Socket.IO v4 packets) against both servers, over every transport setting; and the refusal without the option.
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings, type TransportSetting } from "./impls.js";
import { cleanup, once, startServer, type ServerSocket, type Started } from "./helpers.js";

/** The part of socket.io-client 2.x these tests use (the package has no types). */
interface V2Socket {
  id: string;
  connected: boolean;
  query?: Record<string, string>;
  io: {
    engine: { transport: { name: string }; once(event: string, fn: () => void): void };
    close(): void;
  };
  on(event: string, fn: (...args: any[]) => void): V2Socket;
  once(event: string, fn: (...args: any[]) => void): V2Socket;
  off(event: string, fn?: (...args: any[]) => void): V2Socket;
  emit(event: string, ...args: unknown[]): V2Socket;
  close(): void;
}
type V2Connect = (uri: string, opts?: Record<string, unknown>) => V2Socket;

const ioV2 = createRequire(import.meta.url)("socket.io-client-v2") as V2Connect;

afterEach(cleanup.run);

function connectV2(
  uri: string,
  setting: TransportSetting | undefined,
  extra: Record<string, unknown> = {},
): V2Socket {
  const socket = ioV2(uri, {
    forceNew: true,
    reconnection: false,
    timeout: 3000,
    ...(setting?.transports ? { transports: setting.transports } : {}),
    ...extra,
  });
  cleanup.add(() => {
    socket.close();
    socket.io.close();
  });
  return socket;
}

/** A v2 client connected to `nsp`, and its server-side socket. */
async function pairV2(
  started: Started,
  setting: TransportSetting,
  nsp = "/",
): Promise<[V2Socket, ServerSocket]> {
  const server = once<[ServerSocket]>(started.io.of(nsp), "connection");
  const client = connectV2(`${started.url}${nsp === "/" ? "" : nsp}`, setting);
  await once(client, "connect");
  const [socket] = await server;
  return [client, socket];
}

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("socket.io-client 2.x over $label", (setting) => {
    it("connects to the main namespace with the Engine.IO id as socket id", async () => {
      const started = await startServer(Server, { allowEIO3: true });
      const [client, socket] = await pairV2(started, setting);
      expect(socket.id).toBe(client.id);
      expect(socket.conn.protocol).toBe(3);
      expect(client.connected).toBe(true);
    });

    it("acknowledges emits both ways", async () => {
      const started = await startServer(Server, { allowEIO3: true });
      const [client, socket] = await pairV2(started, setting);
      socket.on("double", (n: number, ack: (r: number) => void) => ack(n * 2));
      client.on("greet", (name: string, ack: (r: string) => void) => ack(`hello ${name}`));
      const doubled = new Promise((resolve) => client.emit("double", 21, resolve));
      await expect(doubled).resolves.toBe(42);
      await expect(socket.timeout(3000).emitWithAck("greet", "v2")).resolves.toBe("hello v2");
    });

    it("carries binary data both ways", async () => {
      const started = await startServer(Server, { allowEIO3: true });
      const [client, socket] = await pairV2(started, setting);
      const atServer = once<[Buffer, string]>(socket, "up");
      client.emit("up", Buffer.from([1, 2, 255]), "text");
      const [up, text] = await atServer;
      expect([...Buffer.from(up)]).toEqual([1, 2, 255]);
      expect(text).toBe("text");
      const atClient = once<[{ data: Uint8Array }]>(client, "down");
      socket.emit("down", { data: Buffer.from([0, 7, 128]) });
      const [down] = await atClient;
      expect([...Buffer.from(down.data)]).toEqual([0, 7, 128]);
    });

    it("connects to a namespace whose query becomes handshake.auth", async () => {
      const started = await startServer(Server, { allowEIO3: true });
      const server = once<[ServerSocket]>(started.io.of("/the-namespace"), "connection");
      const client = connectV2(`${started.url}/the-namespace`, setting);
      // Set after creation (as socket.io's own v2 test does), so it is not in the Engine.IO handshake.
      client.query = { test: "123" };
      await once(client, "connect");
      const [socket] = await server;
      expect(socket.handshake.auth).toEqual({ test: "123" });
      expect(socket.id).toBe(client.id);
    });

    it("reports a middleware refusal as an error event carrying the error data", async () => {
      const started = await startServer(Server, { allowEIO3: true });
      let connections = 0;
      started.io.of("/locked").on("connection", () => connections++);
      started.io.of("/locked").use((_socket, next) => {
        const err = new Error("not authorized") as Error & { data?: unknown };
        err.data = { code: 42 };
        next(err);
      });
      started.io.of("/plain").use((_socket, next) => next(new Error("nope")));
      const locked = connectV2(`${started.url}/locked`, setting);
      const [data] = await once<[unknown]>(locked, "error");
      expect(data).toEqual({ code: 42 });
      const plain = connectV2(`${started.url}/plain`, setting);
      const [message] = await once<[unknown]>(plain, "error");
      expect(message).toBe("nope");
      expect(locked.connected).toBe(false);
      expect(connections).toBe(0);
    });
  });

  it("upgrades a v2 polling session to websocket and keeps talking", async () => {
    const started = await startServer(Server, { allowEIO3: true });
    const [client, socket] = await pairV2(started, { label: "upgrade", transports: undefined });
    if (socket.conn.transport.name !== "websocket") await once(socket.conn, "upgrade");
    expect(socket.conn.transport.name).toBe("websocket");
    const echoed = once<[string]>(client, "echo");
    socket.on("echo", (text: string) => socket.emit("echo", text));
    client.emit("echo", "after upgrade");
    await expect(echoed).resolves.toEqual(["after upgrade"]);
  });

  it("refuses a v2 client without allowEIO3", async () => {
    const started = await startServer(Server);
    let connections = 0;
    started.io.on("connection", () => connections++);
    const client = connectV2(started.url, { label: "polling", transports: ["polling"] });
    await once(client, "connect_error");
    expect(client.connected).toBe(false);
    expect(connections).toBe(0);
  });
});
