// Support for the forwarding tests (issue #16): an in-memory directory, engines with forwarding on, and a
// round-robin HTTP balancer that sends each request and each upgrade to the next node (not each
// connection: a TCP balancer would pin a keep-alive connection, and with it the session, to one node).
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server as HttpServer,
} from "node:http";
import { connect as tcpConnect } from "node:net";
import type { ForwardingDirectory, ForwardingOptions, ServerOptions } from "../src/index.js";
import { closeHttp, listen } from "../../../test/support/net.js";
import { onCleanup, startServer, waitFor, type TestServer } from "./helpers.js";

/** A directory in memory, with switches to make it fail or hang. */
export class FakeDirectory implements ForwardingDirectory {
  readonly entries = new Map<string, string>();
  readonly lookups: string[] = [];
  readonly claims: Array<[string, string]> = [];
  readonly releases: string[] = [];
  mode: "ok" | "reject" | "hang" = "ok";
  /** Tags `claim` answers false for (held by "another node"). */
  readonly taken = new Set<string>();
  /** When set, `claim` waits for it. */
  claimGate: Promise<void> | null = null;

  async claim(tag: string, address: string): Promise<boolean> {
    this.claims.push([tag, address]);
    if (this.claimGate !== null) await this.claimGate;
    if (this.taken.has(tag)) return false;
    const held = this.entries.get(tag);
    if (held !== undefined && held !== address) return false;
    this.entries.set(tag, address);
    return true;
  }

  lookup(tag: string): Promise<string | null> {
    this.lookups.push(tag);
    if (this.mode === "hang") return new Promise(() => {});
    if (this.mode === "reject") return Promise.reject(new Error("directory down"));
    return Promise.resolve(this.entries.get(tag) ?? null);
  }

  async release(tag: string): Promise<void> {
    this.releases.push(tag);
    this.entries.delete(tag);
  }
}

/** An engine node with forwarding on and its tag claimed. */
export async function startNode(
  directory: ForwardingDirectory,
  opts: ServerOptions = {},
  forwarding: ForwardingOptions = {},
): Promise<TestServer> {
  const node = await startServer(opts);
  node.engine.enableForwarding(directory, forwarding);
  await waitFor(() => node.engine.forwarding?.claimed === true, "the tag claimed");
  return node;
}

/** Three nodes on one directory. */
export async function startCluster(
  opts: ServerOptions = {},
  forwarding: ForwardingOptions = {},
): Promise<{ directory: FakeDirectory; nodes: TestServer[] }> {
  const directory = new FakeDirectory();
  const nodes: TestServer[] = [];
  for (let i = 0; i < 3; i++) nodes.push(await startNode(directory, opts, forwarding));
  return { directory, nodes };
}

/** The node whose tag starts `sid`. */
export function ownerOf(nodes: readonly TestServer[], sid: string): TestServer {
  const owner = nodes.find((n) => sid.startsWith(n.engine.forwarding!.tag));
  if (owner === undefined) throw new Error(`no node owns ${sid}`);
  return owner;
}

export interface Balancer {
  http: HttpServer;
  port: number;
  url: string;
  /** Requests and upgrades each node got. */
  hits: number[];
  upgrades: number[];
}

function sidOf(req: IncomingMessage): string | undefined {
  return /[?&]sid=([^&]*)/.exec(req.url ?? "")?.[1];
}

/**
 * A round-robin balancer over `nodes`. `pickUpgrade(sid)` may choose the node of an upgrade (an index),
 * e.g. to make sure it lands on a node that does not hold the session.
 */
export async function startBalancer(
  nodes: readonly TestServer[],
  pickUpgrade?: (sid: string | undefined) => number,
): Promise<Balancer> {
  let next = 0;
  const hits = nodes.map(() => 0);
  const upgrades = nodes.map(() => 0);
  const agent = new Agent({ keepAlive: true });
  const http = createServer((req, res) => {
    const i = next++ % nodes.length;
    hits[i]!++;
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: nodes[i]!.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  http.on("upgrade", (req: IncomingMessage, socket, head: Buffer) => {
    socket.on("error", () => {});
    const i = pickUpgrade?.(sidOf(req)) ?? next++ % nodes.length;
    upgrades[i]!++;
    const upstream = tcpConnect({ host: "127.0.0.1", port: nodes[i]!.port });
    upstream.on("error", () => socket.destroy());
    upstream.on("close", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
    upstream.on("connect", () => {
      let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let k = 0; k < req.rawHeaders.length; k += 2)
        text += `${req.rawHeaders[k]}: ${req.rawHeaders[k + 1]}\r\n`;
      upstream.write(text + "\r\n", "latin1");
      upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  });
  const port = await listen(http);
  onCleanup(() => {
    agent.destroy();
    return closeHttp(http);
  });
  return { http, port, url: `http://127.0.0.1:${port}`, hits, upgrades };
}
