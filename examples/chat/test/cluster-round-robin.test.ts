// The multi-process chat without sticky routing (issue #16): `BALANCER=round-robin node dist/cluster.js`.
// First the balancer alone (src/round-robin.ts) against plain HTTP servers: it must rotate per request, not
// per connection, or it would hide exactly what forwarding has to solve. Then the cluster end to end with
// a real Redis and official socket.io-client peers: polling-only clients, whose every request may land on a
// worker that does not hold their session, and a default client that upgrades to WebSocket.
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect as tcpConnect } from "node:net";
import { join as pathJoin } from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onCleanup, useCleanup } from "../../../test/support/cleanup.js";
import { redisForTests } from "../../../test/support/redis.js";
import { once } from "../../../test/support/wait.js";
import { createRoundRobin, type RoundRobin, type Target } from "../src/round-robin.js";
import { cleanup as cleanupDirs, tempDir } from "./helpers.js";

useCleanup();
afterAll(() => cleanupDirs());

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const entry = fileURLToPath(new URL("../dist/cluster.js", import.meta.url));

// ---------------------------------------------------------------------------------------------------------
// The balancer alone

/** A backend that answers every request with its own name and what it saw. */
async function backend(name: string): Promise<{ server: Server; target: Target }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      res.setHeader("x-backend", name);
      res.end(JSON.stringify({ name, url: req.url, xff: req.headers["x-forwarded-for"], body }));
    });
  });
  // Upgrades: answer 101 and echo bytes, prefixed with the backend's name.
  const upgraded = new Set<Duplex>();
  server.on("upgrade", (req: IncomingMessage, socket) => {
    upgraded.add(socket);
    socket.on("error", () => socket.destroy());
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\nX-Backend: ${name}\r\nX-Seen-Xff: ${String(req.headers["x-forwarded-for"])}\r\n\r\n`,
    );
    socket.on("data", (d: Buffer) => socket.write(`${name}:${d.toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup(() => {
    // Upgraded sockets leave the HTTP server's books: closeAllConnections() does not see them.
    for (const s of upgraded) s.destroy();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  }, true);
  return { server, target: { host: "127.0.0.1", port: (server.address() as AddressInfo).port } };
}

async function balancer(
  targets: () => readonly Target[],
): Promise<{ lb: RoundRobin; port: number }> {
  const lb = createRoundRobin({ targets });
  await new Promise<void>((resolve) => lb.server.listen(0, "127.0.0.1", resolve));
  onCleanup(() => lb.close(), true);
  return { lb, port: (lb.server.address() as AddressInfo).port };
}

/** One HTTP request over `agent` (a keep-alive agent keeps one connection for all of them). */
function send(
  port: number,
  opts: { method?: string; path?: string; body?: string; agent?: Agent },
): Promise<{ status: number; backend?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: opts.method ?? "GET",
        path: opts.path ?? "/",
        agent: opts.agent,
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            backend: res.headers["x-backend"] as string,
            text,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("round-robin balancer", () => {
  it("sends each request, not each connection, to the next worker, with body, path and X-Forwarded-For", async () => {
    const a = await backend("a");
    const b = await backend("b");
    const { port } = await balancer(() => [a.target, b.target]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onCleanup(() => agent.destroy());
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await send(port, { method: "POST", path: `/x?i=${i}`, body: `hello ${i}`, agent });
      expect(r.status).toBe(200);
      const echoed = JSON.parse(r.text) as { name: string; url: string; xff: string; body: string };
      expect(echoed).toMatchObject({ url: `/x?i=${i}`, body: `hello ${i}`, xff: "127.0.0.1" });
      seen.push(echoed.name);
    }
    // One keep-alive connection from the client, yet strictly alternating workers.
    expect(new Set(seen).size).toBe(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
  });

  it("answers 502 when there is no worker or the chosen one is down, and keeps serving", async () => {
    const a = await backend("a");
    const down = await backend("down");
    await new Promise<void>((resolve) => down.server.close(() => resolve()));
    let targets: Target[] = [];
    const { port } = await balancer(() => targets);
    expect((await send(port, {})).status).toBe(502);
    targets = [a.target, down.target];
    const statuses = [(await send(port, {})).status, (await send(port, {})).status];
    expect(statuses.sort()).toEqual([200, 502]);
  });

  it("pipes an upgrade to the next worker as raw bytes, and refuses one with 502 when it cannot", async () => {
    const a = await backend("a");
    const b = await backend("b");
    const { port } = await balancer(() => [a.target, b.target]);
    const names: string[] = [];
    for (let i = 0; i < 2; i++) {
      const socket = tcpConnect(port, "127.0.0.1");
      socket.on("error", () => undefined);
      onCleanup(() => socket.destroy());
      socket.write(
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n",
      );
      let text = "";
      socket.on("data", (d: Buffer) => (text += d.toString()));
      await once(socket, "data");
      expect(text).toMatch(/^HTTP\/1\.1 101 /);
      expect(text).toContain("X-Seen-Xff: 10.0.0.1, 127.0.0.1");
      const name = /X-Backend: (\w+)/.exec(text)![1]!;
      names.push(name);
      socket.write("ping");
      await once(socket, "data");
      expect(text.endsWith(`${name}:ping`)).toBe(true);
    }
    expect(names.sort()).toEqual(["a", "b"]);

    const { port: empty } = await balancer(() => []);
    const socket = tcpConnect(empty, "127.0.0.1");
    socket.on("error", () => undefined);
    onCleanup(() => socket.destroy());
    socket.write("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n");
    const [answer] = await once<[Buffer]>(socket, "data");
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 502 /);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The cluster

interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
}

function startCluster(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: "0",
      WORKERS: "2",
      BALANCER: "round-robin",
      CHAT_DB: pathJoin(tempDir(), "chat.db"),
      CHAT_REDIS_KEY: `chat-rr-test-${process.pid}-${Date.now()}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /Chat on (http:\/\/localhost:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]!.replace("localhost", "127.0.0.1"), stdout: () => out });
    });
    child.once("exit", (code) =>
      reject(
        Object.assign(new Error(`cluster exited with ${code}: ${err}`), {
          exitCode: code,
          stderr: err,
        }),
      ),
    );
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  return gone;
}

type Ack = { ok: boolean; [key: string]: unknown };
type Message = { from: string; room: string; text: string };

/** An official client; every disconnect and connect error is recorded, so a `Session ID unknown` fails the test. */
function chatter(
  url: string,
  name: string,
  transports?: ("polling" | "websocket")[],
): { socket: Socket; problems: string[] } {
  const socket = io(url, {
    forceNew: true,
    reconnection: false,
    auth: { name },
    ...(transports ? { transports } : {}),
  });
  const problems: string[] = [];
  socket.on("connect_error", (e) => problems.push(`${name} connect_error: ${e.message}`));
  socket.on("disconnect", (reason) => problems.push(`${name} disconnect: ${reason}`));
  onCleanup(() => {
    socket.off("disconnect");
    socket.disconnect();
  });
  return { socket, problems };
}

describe("chat cluster: bad round-robin settings", () => {
  it("exits with code 4 before touching Redis", async () => {
    const failed = await startCluster({
      BALANCER: "sticky-ish",
      REDIS_URL: "redis://127.0.0.1:1",
    }).then(
      () => undefined,
      (e: { exitCode: number; stderr: string }) => e,
    );
    expect(failed?.exitCode).toBe(4);
    expect(failed?.stderr).toContain(
      'BALANCER must be one of sticky, round-robin (got "sticky-ish")',
    );
  });

  it("refuses a WORKER_HOST that is not an IP and a WORKER_PORT range past 65535", async () => {
    for (const [env, text] of [
      [{ WORKER_HOST: "localhost" }, 'WORKER_HOST must be an IP address (got "localhost")'],
      [{ WORKER_PORT: "65535" }, 'WORKER_PORT must be an integer from 0 to 65534 (got "65535")'],
    ] as const) {
      const failed = await startCluster({ ...env, REDIS_URL: "redis://127.0.0.1:1" }).then(
        () => undefined,
        (e: { exitCode: number; stderr: string }) => e,
      );
      expect(failed?.exitCode).toBe(4);
      expect(failed?.stderr).toContain(text);
    }
  });
});

const redis = await redisForTests("chat cluster, round-robin");
afterAll(() => redis.close());

describe.runIf(redis.problem === undefined)("chat cluster behind a round-robin balancer", () => {
  let cluster: Started;
  beforeAll(async () => {
    cluster = await startCluster({ REDIS_URL: redis.url });
  });
  afterAll(() => stop(cluster.child));

  // First, while nothing else talks to the cluster: consecutive requests then alternate between the two
  // workers for sure, so half of them reach the worker that does not hold the session.
  it("serves every request of one Engine.IO session, whichever worker gets it", async () => {
    expect(cluster.stdout()).toMatch(/\(2 workers, round-robin with forwarding, Redis /);
    const base = `${cluster.url}/socket.io/?EIO=4&transport=polling`;
    const open = await fetch(base);
    expect(open.status).toBe(200);
    const { sid } = JSON.parse((await open.text()).slice(1)) as { sid: string };
    for (let i = 0; i < 4; i++) {
      // "6" is a noop packet: harmless, answered "ok" by whichever worker holds the session.
      const post = await fetch(`${base}&sid=${encodeURIComponent(sid)}`, {
        method: "POST",
        body: "6",
      });
      expect(`${post.status} ${await post.text()}`).toBe("200 ok");
    }
    const close = await fetch(`${base}&sid=${encodeURIComponent(sid)}`, {
      method: "POST",
      body: "1",
    });
    expect(close.status).toBe(200);
  });

  it("lets two polling-only clients and a default client chat, with no Session ID unknown", async () => {
    const { url } = cluster;
    const alice = chatter(url, "alice", ["polling"]);
    const bob = chatter(url, "bob", ["polling"]);
    const dora = chatter(url, "dora");
    const doraUpgraded = new Promise<void>((resolve) =>
      dora.socket.io.once("open", () => dora.socket.io.engine.once("upgrade", () => resolve())),
    );
    await Promise.all([alice, bob, dora].map((c) => once(c.socket, "welcome", 10_000)));
    await doraUpgraded;
    expect(dora.socket.io.engine.transport.name).toBe("websocket");
    expect(alice.socket.io.engine.transport.name).toBe("polling");

    const got = { alice: [] as Message[], bob: [] as Message[], dora: [] as Message[] };
    for (const [name, c] of Object.entries({ alice, bob, dora }))
      c.socket.on("message", (m: Message) => got[name as keyof typeof got].push(m));

    // Interleaved, acked: every ack and every delivery is a polling round trip for alice and bob.
    const rounds = 15;
    for (let i = 0; i < rounds; i++) {
      for (const [name, c] of Object.entries({ alice, bob, dora })) {
        const ack = (await c.socket
          .timeout(5000)
          .emitWithAck("message", { room: "general", text: `${name} ${i}` })) as Ack;
        expect(ack).toMatchObject({ ok: true });
      }
    }
    // Everyone gets everything; each sender's messages in order (senders on different workers may
    // interleave differently per receiver: their messages take different paths through Redis).
    const total = rounds * 3;
    for (const list of Object.values(got)) {
      await expect.poll(() => list.length, { timeout: 10_000 }).toBe(total);
      for (const sender of ["alice", "bob", "dora"])
        expect(list.filter((m) => m.from === sender).map((m) => m.text)).toEqual(
          Array.from({ length: rounds }, (_, i) => `${sender} ${i}`),
        );
    }

    // A private message from a polling client to the WebSocket one.
    const doraPrivate = once<[{ from: string; text: string }]>(dora.socket, "private", 5000);
    expect(
      await alice.socket.timeout(5000).emitWithAck("private", { to: "dora", text: "psst" }),
    ).toMatchObject({ ok: true });
    expect((await doraPrivate)[0]).toMatchObject({ from: "alice", text: "psst" });

    expect([...alice.problems, ...bob.problems, ...dora.problems]).toEqual([]);
    expect([alice, bob, dora].every((c) => c.socket.connected)).toBe(true);
  });
});
