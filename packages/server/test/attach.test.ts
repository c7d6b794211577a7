// Attaching cases particular to Switchboard. The attach behaviour shared with socket.io (http and https
// servers, an app's request handler, attach()/listen(), custom paths) is tested once, against both servers, in
// test/server/attach.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
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
    const c = ioc(url, {
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
      ...(path ? { path } : {}),
    });
    toClose.clients.push(c);
    return c;
  }

  async function listen(http: HttpServer): Promise<number> {
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    return (http.address() as AddressInfo).port;
  }

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
      const { version } = JSON.parse(
        readFileSync(new URL("../package.json", import.meta.url), "utf8"),
      ) as { version: string };
      expect(res.headers.get("etag")).toBe(`"${version}"`);
      expect(res.headers.get("content-type")).toMatch(/javascript/);
    } else {
      expect(res.status).toBe(418);
    }
    const off = new Server(createServer(), { serveClient: false });
    expect(off.serveClient()).toBe(false);
    await off.close();
  });
});
