// Forwarding (issue #16): three engines on real HTTP servers share an in-memory directory; clients reach
// them through a balancer that sends each request and each upgrade to the next node.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect as tcpConnect, type Socket as NetSocket } from "node:net";
import { Socket as ClientSocket, type SocketOptions } from "engine.io-client";
import { afterEach, describe, expect, test } from "vitest";
import { closeHttp, listen } from "../../../test/support/net.js";
import type { Socket } from "../src/index.js";
import {
  FakeDirectory,
  ownerOf,
  startBalancer,
  startCluster,
  startNode,
  type Balancer,
} from "./forwarding-cluster.js";
import {
  cleanup,
  onCleanup,
  once,
  raw,
  rawHandshake,
  waitFor,
  type TestServer,
} from "./helpers.js";

afterEach(cleanup);

/** Every server-side session echoes its messages. */
function echo(nodes: readonly TestServer[]): void {
  for (const node of nodes)
    node.engine.on("connection", (socket: Socket) => {
      socket.on("message", (data) => socket.send(data));
    });
}

/** Counts `Session ID unknown` refusals on every node. */
function unknownSids(nodes: readonly TestServer[]): { count: number } {
  const seen = { count: 0 };
  for (const node of nodes)
    node.engine.on("connection_error", (err) => {
      if (err.code === 1) seen.count++;
    });
  return seen;
}

async function client(lb: Balancer, opts: Partial<SocketOptions>): Promise<ClientSocket> {
  const socket = new ClientSocket(lb.url, opts);
  onCleanup(() => socket.close());
  await once(socket, "open");
  return socket;
}

async function roundTrips(socket: ClientSocket, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const reply = once<[string]>(socket, "message");
    socket.send(`m${i}`);
    expect((await reply)[0]).toBe(`m${i}`);
  }
}

function total(nodes: readonly TestServer[], key: "forwarded" | "relayedWebSockets"): number {
  return nodes.reduce((n, node) => n + node.engine.forwarding![key], 0);
}

/** A sid of the node tagged `tag` that no session has. */
function forgedSid(tag: string): string {
  return tag + "AAAAAAAAAAAAAAAAAAAA";
}

describe("forwarding through a round-robin balancer", () => {
  test("polling GETs and POSTs reach the owner from any node: many round trips, no unknown sid", async () => {
    const { nodes } = await startCluster();
    echo(nodes);
    const unknown = unknownSids(nodes);
    const lb = await startBalancer(nodes);
    const clients = await Promise.all([0, 1, 2].map(() => client(lb, { transports: ["polling"] })));
    await Promise.all(clients.map((c) => roundTrips(c, 30)));
    for (const c of clients) {
      expect(c.transport.name).toBe("polling");
      expect(c.readyState).toBe("open");
    }
    expect(unknown.count).toBe(0);
    expect(total(nodes, "forwarded")).toBeGreaterThan(60);
    // Every node took requests for sessions it did not hold.
    for (const node of nodes) expect(node.engine.forwarding!.forwarded).toBeGreaterThan(0);
  });

  test("an upgrade that lands on a node without the session ends on WebSocket at the owner", async () => {
    const { nodes } = await startCluster();
    echo(nodes);
    const unknown = unknownSids(nodes);
    const lb = await startBalancer(nodes, (sid) => {
      const owner = nodes.indexOf(ownerOf(nodes, sid!));
      return (owner + 1) % nodes.length;
    });
    const socket = new ClientSocket(lb.url, {});
    onCleanup(() => socket.close());
    const upgraded = once(socket, "upgrade");
    await once(socket, "open");
    await upgraded;
    expect(socket.transport.name).toBe("websocket");
    await roundTrips(socket, 20);
    const owner = ownerOf(nodes, socket.id!);
    expect(owner.engine.clients[socket.id!]!.transport.name).toBe("websocket");
    expect(total(nodes, "relayedWebSockets")).toBe(1);
    expect(owner.engine.forwarding!.relayedWebSockets).toBe(0);
    expect(unknown.count).toBe(0);
  });

  test("default clients all end on WebSocket whichever node each upgrade reaches", async () => {
    const { nodes } = await startCluster();
    echo(nodes);
    const lb = await startBalancer(nodes);
    const clients = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async () => {
        const socket = new ClientSocket(lb.url, {});
        onCleanup(() => socket.close());
        const upgraded = once(socket, "upgrade");
        await once(socket, "open");
        await upgraded;
        return socket;
      }),
    );
    for (const c of clients) expect(c.transport.name).toBe("websocket");
    await Promise.all(clients.map((c) => roundTrips(c, 5)));
  });

  test("a direct WebSocket works on whichever node it lands", async () => {
    const { nodes } = await startCluster();
    echo(nodes);
    const lb = await startBalancer(nodes);
    const clients = await Promise.all(
      [0, 1, 2].map(() => client(lb, { transports: ["websocket"] })),
    );
    await Promise.all(clients.map((c) => roundTrips(c, 5)));
    expect(total(nodes, "forwarded") + total(nodes, "relayedWebSockets")).toBe(0);
  });
});

describe("forwarding: refusals", () => {
  test("a forged sid with a tag nobody holds gets 400 code 1 and no connection is attempted", async () => {
    const { nodes, directory } = await startCluster();
    const [a] = nodes;
    const res = await raw(a!, "GET", `EIO=4&transport=polling&sid=${forgedSid("Zz9-_Q")}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 1, message: "Session ID unknown" });
    expect(directory.lookups).toEqual(["Zz9-_Q"]);
    const stats = a!.engine.forwarding!;
    expect(stats.forwarded).toBe(0);
    expect(stats.unreachable).toBe(0);
    expect(stats.refused).toBe(1);
  });

  test("a forged sid with a real tag is answered 400 by the owner", async () => {
    const { nodes } = await startCluster();
    const [a, b] = nodes;
    const seenByOwner = once<[{ code: number; req: { headers: IncomingHttpHeaders } }]>(
      b!.engine,
      "connection_error",
    );
    const sid = forgedSid(b!.engine.forwarding!.tag);
    const res = await raw(a!, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 1, message: "Session ID unknown" });
    const [err] = await seenByOwner;
    expect(err.code).toBe(1);
    expect(err.req.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(a!.engine.forwarding!.forwarded).toBe(1);
  });

  test("a request carrying the hop marker is never forwarded again", async () => {
    const { nodes, directory } = await startCluster();
    const [a, b] = nodes;
    const seen: IncomingHttpHeaders[] = [];
    a!.engine.use((req, _res, next) => {
      seen.push({ ...req.headers });
      next();
    });
    const sid = forgedSid(b!.engine.forwarding!.tag);
    const res = await raw(a!, "GET", `EIO=4&transport=polling&sid=${sid}`, undefined, {
      "X-Switchboard-Hop": "abcdef",
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).code).toBe(1);
    expect(a!.engine.forwarding!.forwarded).toBe(0);
    expect(directory.lookups).toEqual([]);
    // The marker was taken off before the middlewares.
    expect(seen).toHaveLength(1);
    expect(seen[0]!["x-switchboard-hop"]).toBeUndefined();
  });

  test("an oversize POST is refused at the relay: the owner never sees it", async () => {
    const { nodes } = await startCluster({ maxHttpBufferSize: 1000 });
    const [a, b] = nodes;
    const sid = await rawHandshake(b!);
    const posts: string[] = [];
    b!.engine.use((req, _res, next) => {
      if (req.method === "POST") posts.push(req.url!);
      next();
    });
    const res = await raw(
      a!,
      "POST",
      `EIO=4&transport=polling&sid=${sid}`,
      "4" + "x".repeat(2000),
      {
        "Content-Type": "text/plain;charset=UTF-8",
      },
    );
    expect(res.status).toBe(413);
    expect(posts).toEqual([]);
    expect(b!.engine.clients[sid]!.readyState).toBe("open");
    // The session still works through the relay.
    const ok = await raw(a!, "POST", `EIO=4&transport=polling&sid=${sid}`, "4hello");
    expect(ok.status).toBe(200);
    expect(ok.body).toBe("ok");
    expect(posts).toHaveLength(1);
  });

  test("a streamed POST body over maxHttpBufferSize is cut at the relay", async () => {
    const { nodes } = await startCluster({ maxHttpBufferSize: 1000 });
    const [a, b] = nodes;
    const sid = await rawHandshake(b!);
    const closed = once<[string]>(b!.engine.clients[sid]!, "close");
    let ownerGotPost!: () => void;
    const postAtOwner = new Promise<void>((resolve) => (ownerGotPost = resolve));
    b!.engine.use((req, _res, next) => {
      if (req.method === "POST") ownerGotPost();
      next();
    });
    const answer = new Promise<number | string>((resolve) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: a!.port,
          method: "POST",
          path: `/engine.io/?EIO=4&transport=polling&sid=${sid}`,
          headers: { "Transfer-Encoding": "chunked" },
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
      req.write("4" + "x".repeat(600));
      // The second chunk, which passes the bound, once the POST is under way at the owner.
      void postAtOwner.then(() => req.end("x".repeat(600)));
    });
    expect([413, "ECONNRESET", "EPIPE"]).toContain(await answer);
    // The owner saw the start of the body, then its connection cut: as for a direct oversize POST.
    expect((await closed)[0]).toBe("transport error");
  });

  test("beyond maxInFlight the answer is 503", async () => {
    const directory = new FakeDirectory();
    const a = await startNode(directory, {}, { maxInFlight: 1 });
    const b = await startNode(directory);
    const sid = await rawHandshake(b);
    // A poll through A waits at B: one request in flight on A.
    const pending = raw(a, "GET", `EIO=4&transport=polling&sid=${sid}`).catch(() => null);
    await waitFor(() => a.engine.forwarding!.inFlight === 1, "one request in flight");
    const res = await raw(a, "POST", `EIO=4&transport=polling&sid=${sid}`, "4x");
    expect(res.status).toBe(503);
    expect(res.body).toBe("Service Unavailable");
    expect(a.engine.forwarding!.busy).toBe(1);
    // Once the poll is answered, A forwards again.
    b.engine.clients[sid]!.send("wake");
    expect((await pending)?.body).toContain("4wake");
    await waitFor(() => a.engine.forwarding!.inFlight === 0, "nothing in flight");
    const ok = await raw(a, "POST", `EIO=4&transport=polling&sid=${sid}`, "4x");
    expect(ok.status).toBe(200);
  });

  test("an owner gone (connection refused) gives 400 code 1 and drops the cached address", async () => {
    const { nodes, directory } = await startCluster();
    const [a, b] = nodes;
    const sid = await rawHandshake(b!);
    expect((await raw(a!, "POST", `EIO=4&transport=polling&sid=${sid}`, "4x")).status).toBe(200);
    expect(a!.engine.forwarding!.lookups).toBe(1);
    // B's process "dies": its port closes, its directory entry stays.
    await closeHttp(b!.http);
    const res = await raw(a!, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 1, message: "Session ID unknown" });
    expect(a!.engine.forwarding!.unreachable).toBe(1);
    // The next request asks the directory again.
    const again = await raw(a!, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(again.status).toBe(400);
    expect(a!.engine.forwarding!.lookups).toBe(2);
    expect(directory.lookups).toHaveLength(2);
  });

  test.each(["reject", "hang"] as const)("a directory that %ss gives 400 code 1", async (mode) => {
    const directory = new FakeDirectory();
    const a = await startNode(directory, {}, { lookupTimeout: 50 });
    const b = await startNode(directory);
    directory.mode = mode;
    const res = await raw(
      a,
      "GET",
      `EIO=4&transport=polling&sid=${forgedSid(b.engine.forwarding!.tag)}`,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 1, message: "Session ID unknown" });
    expect(a.engine.forwarding!.forwarded).toBe(0);
    // A session of the node itself keeps working.
    const own = await rawHandshake(a);
    expect((await raw(a, "POST", `EIO=4&transport=polling&sid=${own}`, "4x")).status).toBe(200);
  });

  test.each([
    ["an unknown tag gets the engine's upgrade refusal", false],
    ["a real tag gets the owner's upgrade refusal through the relay", true],
  ])("an upgrade with a forged sid of %s", async (_name, realTag) => {
    const { nodes } = await startCluster();
    const tag = realTag ? nodes[1]!.engine.forwarding!.tag : "QQQQQQ";
    const sock = tcpConnect({ host: "127.0.0.1", port: nodes[0]!.port });
    sock.on("error", () => {});
    onCleanup(() => sock.destroy());
    await once(sock, "connect");
    let text = "";
    sock.on("data", (d: Buffer) => (text += d.toString("latin1")));
    const ended = once(sock, "close");
    sock.write(
      `GET /engine.io/?EIO=4&transport=websocket&sid=${forgedSid(tag)} HTTP/1.1\r\n` +
        "Host: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    await ended;
    expect(text.startsWith("HTTP/1.1 400 Bad Request")).toBe(true);
    expect(text.endsWith("Session ID unknown")).toBe(true);
    const stats = nodes[0]!.engine.forwarding!;
    expect(stats.relayedWebSockets).toBe(realTag ? 1 : 0);
    expect(stats.refused).toBe(realTag ? 0 : 1);
    await waitFor(() => nodes[0]!.engine.forwarding!.inFlight === 0, "the relay done");
  });
});

describe("forwarding: what the owner sees", () => {
  test("middlewares of the owner see the client's headers, cookies and x-forwarded-for", async () => {
    const { nodes } = await startCluster();
    const [a, b] = nodes;
    const sid = await rawHandshake(b!);
    const seen: IncomingHttpHeaders[] = [];
    b!.engine.use((req, _res, next) => {
      seen.push({ ...req.headers });
      next();
    });
    const res = await raw(a!, "POST", `EIO=4&transport=polling&sid=${sid}`, "4x", {
      Cookie: "io=abc; theme=dark",
      "X-Custom": "kept",
      "X-Forwarded-For": "203.0.113.7",
    });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.cookie).toBe("io=abc; theme=dark");
    expect(seen[0]!["x-custom"]).toBe("kept");
    expect(seen[0]!["x-forwarded-for"]).toBe("203.0.113.7, 127.0.0.1");
    expect(seen[0]!["x-switchboard-hop"]).toBeUndefined();
  });

  test("the owner's middlewares see a relayed upgrade with x-forwarded-for and no hop marker", async () => {
    const { nodes } = await startCluster();
    echo(nodes);
    const seen: IncomingHttpHeaders[] = [];
    for (const node of nodes)
      node.engine.use((req, _res, next) => {
        if (req.headers.upgrade !== undefined) seen.push({ ...req.headers });
        next();
      });
    const lb = await startBalancer(nodes, (sid) => (nodes.indexOf(ownerOf(nodes, sid!)) + 1) % 3);
    const socket = new ClientSocket(lb.url, { extraHeaders: { "X-Custom": "kept" } });
    onCleanup(() => socket.close());
    await once(socket, "upgrade");
    expect(seen).toHaveLength(1);
    expect(seen[0]!["x-custom"]).toBe("kept");
    expect(seen[0]!["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen[0]!["x-switchboard-hop"]).toBeUndefined();
  });

  test("relaying adds no listeners per request to the sockets it reuses", async () => {
    const { nodes } = await startCluster();
    echo(nodes);
    const sockets = new Set<NetSocket>();
    const onSocket = (message: unknown): void => {
      sockets.add((message as { socket: NetSocket }).socket);
    };
    subscribe("net.client.socket", onSocket);
    onCleanup(() => unsubscribe("net.client.socket", onSocket));
    const lb = await startBalancer(nodes);
    const c = await client(lb, { transports: ["polling"] });
    await roundTrips(c, 10);
    const counts = (): number[] =>
      [...sockets]
        .filter((s) => !s.destroyed)
        .flatMap((s) => s.eventNames().map((e) => s.listenerCount(e)));
    const before = Math.max(...counts());
    await roundTrips(c, 60);
    expect(Math.max(...counts())).toBeLessThanOrEqual(before);
    expect(before).toBeLessThan(10);
  });
});

describe("forwarding: keep-alive links", () => {
  test("a POST whose reused link the owner closed is sent again, whole, on a fresh connection", async () => {
    const directory = new FakeDirectory();
    const a = await startNode(directory);
    // A stand-in owner: the first request on a connection is answered keep-alive; a second one on the same
    // connection finds it closed before any answer, as when an idle link times out just as it is reused.
    const served = new WeakMap<NetSocket, number>();
    const bodies: string[] = [];
    const owner = createServer((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count > 1) {
        req.socket.destroy();
        return;
      }
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        bodies.push(body);
        res.writeHead(200, { "Content-Type": "text/html", "Content-Length": "2" }).end("ok");
      });
    });
    const port = await listen(owner);
    onCleanup(() => closeHttp(owner));
    directory.entries.set("Fk0wnr", `http://127.0.0.1:${port}`);
    const sid = forgedSid("Fk0wnr");

    const first = await raw(a, "POST", `EIO=4&transport=polling&sid=${sid}`, "4one");
    expect(first).toMatchObject({ status: 200, body: "ok" });
    const second = await raw(a, "POST", `EIO=4&transport=polling&sid=${sid}`, "4second");
    expect(second).toMatchObject({ status: 200, body: "ok" });
    // The owner read the second body once, whole, on a fresh connection.
    expect(bodies).toEqual(["4one", "4second"]);
    const stats = a.engine.forwarding!;
    expect(stats.unreachable).toBe(0);
    expect(stats.forwarded).toBe(2);
  });
});
