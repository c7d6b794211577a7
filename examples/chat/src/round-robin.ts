// A plain round-robin HTTP balancer for the multi-process chat's `BALANCER=round-robin` mode (issue #16):
// each HTTP request goes to the next worker, and so does each WebSocket upgrade. It is deliberately not
// sticky, and it balances requests, not TCP connections: a connection-level balancer would pin a keep-alive
// connection (and with it every poll of a session) to one worker and hide the problem forwarding solves.
// The workers find a session's owner themselves (Engine.IO forwarding over the Redis adapter's directory).
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { debuglog } from "node:util";

// NODE_DEBUG=switchboard:chat:round-robin (the chat has no `debug` dependency; Node's own switch does it).
const debug = debuglog("switchboard:chat:round-robin");

/** Where one worker listens (loopback, internal). */
export interface Target {
  host: string;
  port: number;
}

export interface RoundRobinOptions {
  /** The workers to rotate over, read on every request (workers come and go). */
  targets: () => readonly Target[];
}

export interface RoundRobin {
  /** The balancer's HTTP server; call `listen()` on it. */
  server: Server;
  /** Stops listening and cuts every open request and relayed WebSocket. */
  close(): Promise<void>;
}

// Per hop, never relayed (RFC 9110 §7.6.1); `upgrade` is relayed only on the upgrade path, as raw bytes.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Creates a round-robin balancer over `targets()`: `502 Bad Gateway` when there is no worker or the chosen one
 * cannot be reached. `X-Forwarded-For` gets the client's address appended, so workers see who connected.
 * @example
 * const lb = createRoundRobin({ targets: () => [{ host: "127.0.0.1", port: 4001 }, { host: "127.0.0.1", port: 4002 }] });
 * lb.server.listen(3000);
 * // later
 * await lb.close();
 */
export function createRoundRobin(opts: RoundRobinOptions): RoundRobin {
  // Keep-alive to the workers: without it every poll would pay a TCP handshake on the internal hop.
  const agent = new Agent({ keepAlive: true });
  const tunnels = new Set<Duplex>();
  let turn = 0;
  const pick = (): Target | undefined => {
    const all = opts.targets();
    if (all.length === 0) return undefined;
    turn = (turn + 1) % all.length;
    return all[turn];
  };

  const server = createServer((req, res) => relayRequest(req, res, pick(), agent));
  server.on("upgrade", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    tunnels.add(client);
    client.once("close", () => tunnels.delete(client));
    relayUpgrade(req, client, head, pick(), tunnels);
  });
  // A malformed request or a reset from the client: answer if we still can, never throw.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    debug("client error: %s", err.code ?? err.message);
    if (!socket.writable) return void socket.destroy();
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n", () => socket.destroy());
  });

  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const t of tunnels) t.destroy();
        agent.destroy();
      }),
  };
}

function relayRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: Target | undefined,
  agent: Agent,
): void {
  if (target === undefined) {
    req.on("error", () => res.destroy());
    req.resume(); // the body goes nowhere; read it so the connection can close cleanly
    return badGateway(res, "no worker");
  }
  const upstream = httpRequest(
    {
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req),
      agent,
    },
    (answer) => {
      answer.on("error", () => res.destroy());
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      answer.pipe(res);
    },
  );
  upstream.on("error", (err: NodeJS.ErrnoException) => {
    debug("%s %s to %d: %s", req.method, req.url, target.port, err.code ?? err.message);
    if (res.headersSent) res.destroy();
    else badGateway(res, "worker unreachable");
  });
  req.on("error", () => upstream.destroy());
  res.on("error", () => upstream.destroy());
  // The client went away before the answer was complete: stop the worker's side too.
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function relayUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  target: Target | undefined,
  tunnels: Set<Duplex>,
): void {
  if (target === undefined) {
    client.on("error", () => client.destroy());
    return refuseUpgrade(client);
  }
  // No Nagle delay on a WebSocket's small frames, on either leg.
  const worker = connect({ port: target.port, host: target.host, noDelay: true });
  (client as Partial<Socket>).setNoDelay?.(true);
  tunnels.add(worker);
  let connected = false;
  client.on("error", () => worker.destroy());
  client.on("close", () => worker.destroy());
  worker.on("error", (err: NodeJS.ErrnoException) => {
    debug("upgrade %s to %d: %s", req.url, target.port, err.code ?? err.message);
    if (!connected) refuseUpgrade(client);
    else client.destroy();
  });
  worker.on("close", () => {
    tunnels.delete(worker);
    // After a refusal the client side closes once its 502 is written.
    if (connected) client.destroy();
  });
  worker.once("connect", () => {
    connected = true;
    // The request head as received (Upgrade and Connection included: the worker answers the 101 itself),
    // then nothing but bytes both ways.
    worker.write(upgradeHead(req));
    if (head.length > 0) worker.write(head);
    worker.pipe(client);
    client.pipe(worker);
  });
}

/** The request's headers for the worker: end-to-end ones, plus the client's address in X-Forwarded-For. */
function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers = endToEnd(req.headers);
  headers["x-forwarded-for"] = appendForwardedFor(req);
  return headers;
}

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

function appendForwardedFor(req: IncomingMessage): string {
  const previous = req.headers["x-forwarded-for"];
  const address = req.socket.remoteAddress ?? "unknown";
  return previous ? `${previous}, ${address}` : address;
}

function upgradeHead(req: IncomingMessage): string {
  const lines = [`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (raw[i]!.toLowerCase() !== "x-forwarded-for") lines.push(`${raw[i]}: ${raw[i + 1]}`);
  lines.push(`X-Forwarded-For: ${appendForwardedFor(req)}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

function badGateway(res: ServerResponse, why: string): void {
  res.writeHead(502, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  res.end(`Bad Gateway: ${why}\n`);
}

function refuseUpgrade(client: Duplex): void {
  if (!client.writable) return void client.destroy();
  client.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", () =>
    client.destroy(),
  );
}
