// The client against hand-written servers: silent heartbeats, garbage, refused handshakes.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { Socket } from "@switchboard/engine-client";
import { next } from "./peers.js";

const HANDSHAKE = (ping: number) =>
  `0${JSON.stringify({ sid: "abc", upgrades: [], pingInterval: ping, pingTimeout: ping, maxPayload: 1000 })}`;

describe("engine-client against raw servers", () => {
  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  let client: Socket | undefined;

  afterEach(async () => {
    client?.close();
    client = undefined;
    for (const ws of wss?.clients ?? []) ws.terminate();
    wss?.close();
    wss = undefined;
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http = undefined;
  });

  async function wsServer(onConnection: (ws: WebSocket) => void): Promise<string> {
    http = createServer((_req, res) => {
      res.writeHead(400).end();
    });
    wss = new WebSocketServer({ server: http });
    wss.on("connection", onConnection);
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  it("closes with ping timeout when the server stops pinging", async () => {
    const url = await wsServer((ws) => ws.send(HANDSHAKE(20)));
    client = new Socket(url, { transports: ["websocket"] });
    await next(client, "open");
    const [reason] = await next<[string]>(client, "close");
    expect(reason).toBe("ping timeout");
  });

  it("closes with parse error on an undecodable packet", async () => {
    const url = await wsServer((ws) => {
      ws.send(HANDSHAKE(10_000));
      ws.send("9garbage");
    });
    client = new Socket(url, { transports: ["websocket"] });
    const [reason] = await next<[string]>(client, "close");
    expect(reason).toBe("parse error");
  });

  it("closes with parse error on a bad handshake", async () => {
    const url = await wsServer((ws) => ws.send("0{not json"));
    client = new Socket(url, { transports: ["websocket"] });
    const [reason] = await next<[string]>(client, "close");
    expect(reason).toBe("parse error");
  });

  it("reports a refused polling handshake as xhr poll error", async () => {
    const url = await wsServer(() => {});
    client = new Socket(url, { transports: ["polling"] });
    const [[err], [reason]] = await Promise.all([
      next<[Error & { description: unknown }]>(client, "error"),
      next<[string]>(client, "close"),
    ]);
    expect(err.message).toBe("xhr poll error");
    expect(err.description).toBe(400);
    expect(reason).toBe("transport error");
  });

  it("tryAllTransports falls back to the next transport", async () => {
    // Polling is refused (400), WebSocket works.
    const url = await wsServer((ws) => ws.send(HANDSHAKE(10_000)));
    client = new Socket(url, { transports: ["polling", "websocket"], tryAllTransports: true });
    await next(client, "open");
    expect(client.transport.name).toBe("websocket");
  });

  it("sends query, path, extraHeaders and the timestamp", async () => {
    let seen: { url?: string; header?: string } = {};
    const url = await wsServer(() => {});
    wss!.on("headers", (_h, req) => {
      seen = { url: req.url, header: req.headers["x-test"] as string };
    });
    wss!.on("connection", (ws) => ws.send(HANDSHAKE(10_000)));
    client = new Socket(url, {
      transports: ["websocket"],
      path: "/custom",
      query: { a: "1 2" },
      extraHeaders: { "x-test": "yes" },
      timestampRequests: true,
    });
    await next(client, "open");
    const u = new URL(seen.url!, "http://x");
    expect(u.pathname).toBe("/custom/");
    expect(u.searchParams.get("a")).toBe("1 2");
    expect(u.searchParams.get("EIO")).toBe("4");
    expect(u.searchParams.get("transport")).toBe("websocket");
    expect(u.searchParams.get("t")).toBeTruthy();
    expect(seen.header).toBe("yes");
  });

  it("addTrailingSlash: false keeps the path as given", async () => {
    let path = "";
    const url = await wsServer((ws) => ws.send(HANDSHAKE(10_000)));
    wss!.on("headers", (_h, req) => (path = new URL(req.url!, "http://x").pathname));
    client = new Socket(url, {
      transports: ["websocket"],
      path: "/custom",
      addTrailingSlash: false,
    });
    await next(client, "open");
    expect(path).toBe("/custom");
  });

  it("checks the heartbeat deadline against the wall clock before writing (throttled timers)", async () => {
    const url = await wsServer((ws) => ws.send(HANDSHAKE(20)));
    client = new Socket(url, { transports: ["websocket"] });
    await next(client, "open");
    // Block the event loop past pingInterval + pingTimeout, as a throttled background tab would: the timer
    // cannot have fired yet, but the wall clock says the deadline passed.
    const until = Date.now() + 80;
    while (Date.now() < until) {
      // busy wait
    }
    expect(client.hasPingExpired()).toBe(true);
    let flushed = false;
    client.on("flush", () => (flushed = true));
    const closed = next<[string]>(client, "close");
    client.send("too late");
    expect(flushed).toBe(false); // not written to a connection that is presumed dead
    expect((await closed)[0]).toBe("ping timeout");
  });

  it("closes with parse error when a polling response is not an Engine.IO payload", async () => {
    http = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>proxy error page</html>");
    });
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    client = new Socket(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      transports: ["polling"],
    });
    const [reason] = await next<[string]>(client, "close");
    expect(reason).toBe("parse error");
  });

  it("delivers empty messages and refuses a handshake with unusable timers", async () => {
    const url = await wsServer((ws) => {
      ws.send(HANDSHAKE(10_000));
      ws.send("4");
    });
    client = new Socket(url, { transports: ["websocket"] });
    expect((await next<[unknown]>(client, "message"))[0]).toBe("");
    client.close();
    const bad = `0${JSON.stringify({ sid: "x", upgrades: [], pingInterval: -1, pingTimeout: 1, maxPayload: 1 })}`;
    for (const ws of wss!.clients) ws.terminate();
    wss!.removeAllListeners("connection");
    wss!.on("connection", (ws) => ws.send(bad));
    client = new Socket(url, { transports: ["websocket"] });
    expect((await next<[string]>(client, "close"))[0]).toBe("parse error");
  });

  it("resumes polling when the probe fails after polling was paused", async () => {
    const posts: string[] = [];
    let gotPost: (body: string) => void = () => {};
    http = createServer((req, res) => {
      const sid = new URL(req.url!, "http://x").searchParams.get("sid");
      if (!sid) {
        res.end(
          `0${JSON.stringify({ sid: "p1", upgrades: ["websocket"], pingInterval: 10_000, pingTimeout: 10_000, maxPayload: 1e6 })}`,
        );
      } else if (req.method === "POST") {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          posts.push(body);
          res.end("ok");
          gotPost(body);
        });
      } // GETs with a sid are held open: the pause can only finish once they complete
    });
    wss = new WebSocketServer({ server: http });
    wss.on("connection", (ws) =>
      ws.on("message", (data) => {
        if (String(data) === "2probe") {
          ws.send("3probe");
          ws.close(); // fails the probe while polling is paused
        }
      }),
    );
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    client = new Socket(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const failed = next<[Error]>(client, "upgradeError");
    await next(client, "upgrading");
    await failed;
    expect(client.upgrading).toBe(false);
    expect(client.transport.name).toBe("polling");
    const post = new Promise<string>((resolve) => (gotPost = resolve));
    client.send("still here");
    expect(await post).toBe("4still here");
  });
});
