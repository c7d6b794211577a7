// A deliberately dumb round-robin HTTP balancer (issue #16, "How it is proven"): EVERY HTTP request goes to the
// next node, whatever connection it came on, and so does every upgrade. A TCP balancer would pin a keep-alive
// connection, and with it the session, to one node; this one never does, so a session's polls, POSTs and upgrade
// land on different nodes. It knows nothing about sessions and never retries: a node that does not answer gives
// the client a 502, as nginx or a cloud balancer would.
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";

/** A node behind the balancer. */
export interface Backend {
  readonly name: string;
  readonly port: number;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not to the request being passed on.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

/**
 * Round-robin over `backends`, which the test may change at any time: remove a killed node (a balancer with
 * health checks) or keep it (a dumb one that still routes to it, so its requests get 502).
 * @example
 * const lb = await new RoundRobinBalancer(nodes).listen();
 * const socket = io(lb.url, { transports: ["polling"] });
 */
export class RoundRobinBalancer {
  /** The nodes requests go to, in turn. */
  backends: Backend[];
  /** Port the balancer listens on (after {@link listen}). */
  port = 0;
  /** HTTP requests (not upgrades) sent to each node, by name. */
  readonly requests = new Map<string, number>();
  /** Upgrades piped to each node, by name. */
  readonly upgrades = new Map<string, number>();
  /** Responses passed back, by status code. */
  readonly statuses = new Map<number, number>();
  /** 400 responses whose body is Engine.IO's "Session ID unknown" (the symptom of a missing forward). */
  sessionUnknown = 0;
  /** Requests and upgrades a node did not accept (connection refused or reset): answered 502. */
  badGateway = 0;
  /** Node each WebSocket upgrade with a `sid` was piped to, by sid (the node the tunnel passes through). */
  readonly upgradeRoutes = new Map<string, string>();
  /** HTTP requests sent to each node and not finished yet, by name (long polls included). */
  readonly inFlight = new Map<string, number>();

  readonly #server: Server;
  readonly #tunnels = new Set<Duplex>();
  #next = 0;

  constructor(backends: Backend[]) {
    this.backends = [...backends];
    this.#server = createServer((req, res) => this.#forward(req, res));
    this.#server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#tunnel(req, socket, head),
    );
    // A client that sends garbage gets a 400 from Node; it must never crash the test process.
    this.#server.on("clientError", (_err, socket) => socket.destroy());
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1, port 0. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.#server.address() as { port: number }).port;
    return this;
  }

  /** Stops listening and cuts every connection and tunnel. */
  async close(): Promise<void> {
    for (const s of this.#tunnels) s.destroy();
    this.#tunnels.clear();
    this.#server.closeAllConnections();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #pick(): Backend | undefined {
    const list = this.backends;
    if (list.length === 0) return undefined;
    return list[this.#next++ % list.length];
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    req.on("error", () => undefined);
    res.on("error", () => undefined);
    const node = this.#pick();
    if (node === undefined) {
      res.writeHead(503, { "content-length": "0" }).end();
      return;
    }
    bump(this.requests, node.name);
    bump(this.inFlight, node.name);
    res.once("close", () => bump(this.inFlight, node.name, -1));
    // agent: false, one upstream connection per request: a pooled connection that the node closed while idle
    // would reset a request and turn into a 502 the test did not ask for.
    const upstream = request({
      host: "127.0.0.1",
      port: node.port,
      method: req.method,
      path: req.url,
      headers: {
        ...endToEnd(req.headers),
        "x-forwarded-for": req.socket.remoteAddress ?? "",
      },
      agent: false,
    });
    upstream.on("error", () => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      this.badGateway++;
      bump(this.statuses, 502);
      res.writeHead(502, { "content-length": "0" }).end();
    });
    upstream.on("response", (answer) => {
      answer.on("error", () => res.destroy());
      const status = answer.statusCode ?? 502;
      bump(this.statuses, status);
      if (status === 400) this.#watchBody(answer);
      res.writeHead(status, endToEnd(answer.headers));
      answer.pipe(res);
    });
    // The client went away (its poll was cancelled): drop the upstream request as well.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  #watchBody(answer: IncomingMessage): void {
    let body = "";
    answer.on("data", (chunk: Buffer) => {
      if (body.length < 512) body += chunk.toString("utf8");
    });
    answer.on("end", () => {
      if (body.includes("Session ID unknown")) this.sessionUnknown++;
    });
  }

  #tunnel(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    const node = this.#pick();
    if (node === undefined) {
      socket.end(
        "HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
      );
      return;
    }
    bump(this.upgrades, node.name);
    const sid = new URL(req.url ?? "/", "http://x").searchParams.get("sid");
    if (sid !== null) this.upgradeRoutes.set(sid, node.name);
    const upstream: Socket = connect({ host: "127.0.0.1", port: node.port });
    this.#tunnels.add(socket);
    this.#tunnels.add(upstream);
    let connected = false;
    upstream.on("error", () => {
      if (!connected) {
        this.badGateway++;
        bump(this.statuses, 502);
        socket.end("HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      }
      upstream.destroy();
    });
    upstream.once("connect", () => {
      connected = true;
      // The upgrade request as it came (raw header names and order), then the raw byte pipe both ways.
      let text = `${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        text += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      upstream.write(text + "\r\n");
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    socket.on("close", () => {
      this.#tunnels.delete(socket);
      upstream.destroy();
    });
    upstream.on("close", () => {
      this.#tunnels.delete(upstream);
      // Before the connection, the 502 written above is still on its way out: end() closes the socket.
      if (connected) socket.destroy();
    });
  }
}

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
