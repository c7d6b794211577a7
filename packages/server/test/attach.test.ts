import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { Server } from "@switchboard/server";
import { connected } from "./helpers.js";

describe("attaching", () => {
  const toClose: { io?: Server; http?: HttpServer; clients: ClientSocket[] } = { clients: [] };

  afterEach(async () => {
    for (const c of toClose.clients.splice(0)) c.disconnect();
    const closing = toClose.io?.close();
    toClose.http?.closeAllConnections();
    await closing;
    toClose.io = undefined;
    toClose.http = undefined;
  });

  function client(url: string, path?: string): ClientSocket {
    const c = ioc(url, { forceNew: true, reconnection: false, transports: ["websocket"], ...(path ? { path } : {}) });
    toClose.clients.push(c);
    return c;
  }

  async function listen(http: HttpServer): Promise<number> {
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    return (http.address() as AddressInfo).port;
  }

  it("keeps an app's own request handler working (Express-style)", async () => {
    // An Express app is a (req, res) handler given to http.createServer.
    const app = (_req: unknown, res: { end(body: string): void }) => res.end("from the app");
    const http = createServer(app);
    const io = new Server(http);
    Object.assign(toClose, { io, http });
    const port = await listen(http);
    const body = await fetch(`http://127.0.0.1:${port}/hello`).then((r) => r.text());
    expect(body).toBe("from the app");
    await connected(client(`http://127.0.0.1:${port}`));
    expect(io.engine.clientsCount).toBe(1);
  });

  it("attach() after construction, with a custom path", async () => {
    const http = createServer();
    const io = new Server({ path: "/custom" });
    io.attach(http);
    Object.assign(toClose, { io, http });
    expect(io.httpServer).toBe(http);
    const port = await listen(http);
    await connected(client(`http://127.0.0.1:${port}`, "/custom"));
    expect(io.path()).toBe("/custom");
  });

  it("new Server(port) listens on its own and answers 404 elsewhere", async () => {
    // Find a free port first, then let the server bind it.
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const io = new Server(port);
    toClose.io = io;
    toClose.http = io.httpServer as HttpServer;
    await new Promise<void>((resolve) => {
      const http = io.httpServer as HttpServer;
      if (http.listening) resolve();
      else http.once("listening", () => resolve());
    });
    const status = await fetch(`http://127.0.0.1:${port}/elsewhere`).then((r) => r.status);
    expect(status).toBe(404);
    await connected(client(`http://127.0.0.1:${port}`));
  });

  it("refuses an Express request handler instead of a server", () => {
    const io = new Server();
    toClose.io = io;
    const handler = (() => {}) as unknown as HttpServer;
    expect(() => io.attach(handler)).toThrow(/http\.Server/);
  });

  it("serves @switchboard/client's bundle when built, else leaves the path to the app", async () => {
    const http = createServer((_req, res) => {
      res.statusCode = 418;
      res.end();
    });
    const io = new Server(http);
    Object.assign(toClose, { io, http });
    const port = await listen(http);
    const res = await fetch(`http://127.0.0.1:${port}/socket.io/socket.io.js`);
    await res.arrayBuffer();
    if (res.status === 200) {
      // The ETag is this package's version.
      const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
      expect(res.headers.get("etag")).toBe(`"${version}"`);
      expect(res.headers.get("content-type")).toMatch(/javascript/);
    } else {
      expect(res.status).toBe(418);
    }
    const off = new Server(createServer(), { serveClient: false });
    expect(off.serveClient()).toBe(false);
    await off.close();
  });

  it("attaches to an https server (TLS, handshake.secure)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-tls-"));
    try {
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
        "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
      ], { stdio: "ignore" });
      const https = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) });
      const io = new Server(https);
      Object.assign(toClose, { io, http: https });
      const port = await listen(https as unknown as HttpServer);
      const secure = new Promise<boolean>((resolve) => io.on("connection", (socket) => resolve(socket.handshake.secure)));
      const c = ioc(`https://127.0.0.1:${port}`, { forceNew: true, reconnection: false, rejectUnauthorized: false });
      toClose.clients.push(c);
      await connected(c);
      expect(await secure).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
