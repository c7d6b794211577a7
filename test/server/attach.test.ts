// Ways to start a server: attached to a node http server, to an app's request handler, via attach/listen,
// on a port of its own, and on a custom path.
import { readFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings } from "./impls.js";
import {
  barrier,
  cleanup,
  clientOptions,
  closeServer,
  connect,
  connectPair,
  once,
  startServer,
  waitConnect,
  withTimeout,
  type IOServer,
  type ServerSocket,
} from "./helpers.js";
import { freePort, listen as listenOn, urlOf } from "../support/net.js";

afterEach(cleanup.run);

async function listen(httpServer: HttpServer): Promise<string> {
  await listenOn(httpServer);
  return urlOf(httpServer);
}

/** Connects, round-trips one acked event, and returns the client. */
async function proveWorks(
  io: IOServer,
  uri: string,
  transports?: ("polling" | "websocket")[],
  path?: string,
) {
  io.on("connection", (s) => s.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x)));
  const client = connect(
    uri,
    clientOptions(transports ? { label: "", transports } : undefined, path ? { path } : {}),
  );
  await waitConnect(client);
  await expect(client.timeout(2000).emitWithAck("echo", "ok")).resolves.toBe("ok");
  return client;
}

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("attaching over $label", (setting) => {
    it("attaches to a node http server passed to the constructor", async () => {
      const started = await startServer(Server);
      expect(started.io.engine).toBeDefined();
      await proveWorks(started.io, started.url, setting.transports);
      expect(started.io.engine.clientsCount).toBe(1);
    });

    it("shares an app's http server: the app keeps its routes, Socket.IO takes /socket.io/", async () => {
      const started = await startServer(Server, {}, (req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(`app:${req.url ?? ""}`);
      });
      const page = await fetch(`${started.url}/hello?x=1`);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe("app:/hello?x=1");
      await proveWorks(started.io, started.url, setting.transports);
      const again = await fetch(`${started.url}/after`);
      expect(await again.text()).toBe("app:/after");
    });

    it("new Server(opts) then io.attach(httpServer) / io.listen(httpServer)", async () => {
      for (const method of ["attach", "listen"] as const) {
        const httpServer = createServer();
        const io = new Server({ connectTimeout: 5000 });
        cleanup.add(() => closeServer(io, httpServer), true);
        io[method](httpServer);
        const url = await listen(httpServer);
        await proveWorks(io, url, setting.transports);
      }
    });

    it("new Server(port) listens on its own http server", async () => {
      const port = await freePort();
      const io = new Server(port);
      const own = io.httpServer as HttpServer;
      cleanup.add(() => closeServer(io, own), true);
      if (!own.listening) await once(own, "listening");
      expect((own.address() as AddressInfo).port).toBe(port);
      await proveWorks(io, `http://127.0.0.1:${port}`, setting.transports);
    });

    it("new Server() then io.listen(port) creates and listens on its own http server", async () => {
      const port = await freePort();
      const io = new Server();
      io.listen(port);
      const own = io.httpServer as HttpServer;
      cleanup.add(() => closeServer(io, own), true);
      if (!own.listening) await once(own, "listening");
      await proveWorks(io, `http://127.0.0.1:${port}`, setting.transports);
    });

    it("attaches to an https server; handshake.secure is true", async () => {
      // Self-signed test-only certificate for 127.0.0.1 (test/server/fixtures), trusted through `ca`.
      const cert = readFileSync(new URL("./fixtures/cert.pem", import.meta.url));
      const key = readFileSync(new URL("./fixtures/key.pem", import.meta.url));
      const httpsServer = createHttpsServer({ key, cert });
      const io = new Server(httpsServer);
      cleanup.add(() => closeServer(io, httpsServer), true);
      await new Promise<void>((resolve) => httpsServer.listen(0, "127.0.0.1", resolve));
      const url = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
      const connection = once(io, "connection");
      const client = connect(url, clientOptions(setting, { ca: cert.toString() }));
      await waitConnect(client);
      const [socket] = (await connection) as [ServerSocket];
      expect(socket.handshake.secure).toBe(true);
      socket.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x));
      await expect(client.timeout(2000).emitWithAck("echo", "tls")).resolves.toBe("tls");
    });

    it("serves on a custom path", async () => {
      const started = await startServer(Server, { path: "/realtime" });
      expect(started.io.path()).toBe("/realtime");
      await proveWorks(started.io, started.url, setting.transports, "/realtime");
    });
  });

  it("io.close(callback) calls back once closed and disconnects every socket", async () => {
    const started = await startServer(Server);
    const { client } = await connectPair(started, {
      label: "websocket",
      transports: ["websocket"],
    });
    const gone = once(client, "disconnect");
    await new Promise<void>((resolve) => {
      void started.io.close(() => resolve());
    });
    await gone;
    expect(started.httpServer.listening).toBe(false);
    expect(started.io.of("/").sockets.size).toBe(0);
  });

  it("io.close() completes after polling clients disconnected (no long-poll left hanging)", async () => {
    // A GET left unanswered keeps the HTTP server from closing, so io.close() would never resolve.
    // Several rounds because the hang depends on how the client's last poll and its close interleave.
    for (let round = 0; round < 6; round++) {
      const started = await startServer(Server);
      const pairs = await Promise.all(
        Array.from({ length: 4 }, () =>
          connectPair(started, { label: "polling", transports: ["polling"] }),
        ),
      );
      await barrier(pairs);
      for (const { client } of pairs) {
        client.disconnect();
        client.io._close();
      }
      await withTimeout(Promise.resolve(started.io.close()), 5000, `io.close() in round ${round}`);
      expect(started.httpServer.listening).toBe(false);
    }
  });

  it("answers an Engine.IO polling handshake with the default settings", async () => {
    const started = await startServer(Server);
    const res = await fetch(`${started.url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body.startsWith("0{")).toBe(true);
    const open = JSON.parse(body.slice(1)) as Record<string, unknown>;
    expect(typeof open.sid).toBe("string");
    expect(open).toMatchObject({
      upgrades: ["websocket"],
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1e6,
    });
  });
});
