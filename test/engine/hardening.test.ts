// Issue #12: the engine attacked as an attacker would. Connections reset mid-request, bodies cut short or
// dribbled in, an Engine.IO v3 client poking at a v4 session, an upgrade interrupted. Every case runs against
// the reference too (engine.io ≥ 6.6.13, which has the body limits), so the expected answers are its answers.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, type Socket as NetSocket } from "node:net";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import {
  describeEngines,
  expectErrorBody,
  handshake,
  onCleanup,
  openWs,
  packets,
  poll,
  post,
  raw,
  rawUpgrade,
  request,
  startServer,
  waitFor,
  within,
  switchboard,
  type Impl,
  type TestServer,
} from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

// ---- a server in a child process, so that "the process dies" is something a test can see ----------------------

// Handshakes with `hold` in the URL wait forever in allowRequest, those with `mwhold` in a middleware: the
// upgrade socket is then parked inside the engine when the client resets it. The extra `upgrade` listener only
// observes (it runs after the engine's and adds no `error` listener).
const CHILD_SCRIPT = `
import { createServer } from "node:http";
const { attach } = await import(process.env.ENGINE_MODULE);
const http = createServer();
const engine = attach(http, { allowRequest: (req, cb) => { if (!req.url.includes("hold")) cb(null, true); } });
engine.use((req, res, next) => { if (!req.url.includes("mwhold")) next(); });
http.on("upgrade", (req, socket) => {
  socket.once("close", () => console.log("closed " + req.url));
  console.log("upgrade " + req.url);
});
http.listen(0, "127.0.0.1", () => console.log("port " + http.address().port));
`;

interface Child {
  port: number;
  /** Resolves when the child printed this line. */
  line(text: string): Promise<void>;
  /** Resolves with the exit code when the child exits. */
  exited: Promise<number | null>;
  stderr(): string;
}

async function startChild(impl: Impl): Promise<Child> {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", CHILD_SCRIPT], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ENGINE_MODULE: impl.reference ? "engine.io" : "@switchboard/engine",
      DEBUG: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(proc, "exit").then(([code]) => code as number | null);
  onCleanup(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill();
      await exited;
    }
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let out = "";
  let err = "";
  proc.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    const parts = out.split("\n");
    out = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
  /** The first line printed so far or later that matches. */
  const find = (match: (l: string) => boolean): Promise<string> =>
    new Promise((resolve) => {
      const check = (): void =>
        void (lines.some(match) ? resolve(lines.find(match)!) : waiters.push(check));
      check();
    });
  const portLine = find((l) => l.startsWith("port "));
  const first = await within(
    Promise.race([portLine, exited.then(() => "exited")]),
    10000,
    "the child server to listen",
  );
  if (!first.startsWith("port ")) throw new Error(`child server did not start: ${err}`);
  const line = (text: string): Promise<void> => find((l) => l === text).then(() => undefined);
  return { port: Number(first.slice(5)), line, exited, stderr: () => err };
}

const h2c =
  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n" +
  "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";

interface ResetCase {
  name: string;
  url: string;
  text: string;
}

const foreignUpgrades: ResetCase[] = [
  {
    name: "an h2c upgrade on a path the engine does not own (CVE-2022-41940)",
    url: "/",
    text: h2c,
  },
  { name: "a websocket upgrade on another path", url: "/other", text: rawUpgrade("/other") },
];

const parkedHandshakes: ResetCase[] = [
  {
    name: "a websocket handshake waiting in allowRequest",
    url: "/engine.io/?EIO=4&transport=websocket&hold=1",
    text: rawUpgrade("/engine.io/?EIO=4&transport=websocket&hold=1"),
  },
  {
    name: "a websocket handshake waiting in a middleware",
    url: "/engine.io/?EIO=4&transport=websocket&mwhold=1",
    text: rawUpgrade("/engine.io/?EIO=4&transport=websocket&mwhold=1"),
  },
];

/** Sends an upgrade to a server in a child process, resets it once the server has it, and checks the server lives. */
async function resetUpgrade(impl: Impl, { url, text }: ResetCase): Promise<void> {
  const child = await startChild(impl);
  const sock = connect(child.port, "127.0.0.1");
  sock.on("error", () => undefined);
  await once(sock, "connect");
  sock.write(text);
  await within(child.line(`upgrade ${url}`), 5000, "the child to see the upgrade");
  sock.resetAndDestroy();
  const outcome = await within(
    Promise.race([
      child.line(`closed ${url}`).then(() => "survived"),
      child.exited.then((code) => `died (${code})`),
    ]),
    5000,
    "the reset socket to close",
  );
  expect(outcome, child.stderr()).toBe("survived");
  const res = await request(`http://127.0.0.1:${child.port}/engine.io/?EIO=4&transport=polling`);
  expect(res.status).toBe(200);
}

describeEngines("hardening: a reset upgrade socket never crashes the process", (impl) => {
  it.each(foreignUpgrades)("$name, reset by the client", (c) => resetUpgrade(impl, c));
});

// engine.io (6.6.13 too) dies here: a handshake parked in allowRequest or a middleware has no `error` listener.
describeEngines(
  "hardening: a reset upgrade socket parked in the engine never crashes the process",
  (impl) => {
    it.each(parkedHandshakes)("$name, reset by the client", (c) => resetUpgrade(impl, c));
  },
  [switchboard],
);

describeEngines("hardening: a middleware that ends an upgrade's response", (impl) => {
  it("drops the connection at once (no 101, nothing left open)", async () => {
    const srv = await startServer(impl);
    (
      srv.engine as unknown as {
        use(fn: (req: unknown, res: { end(): void }, next: () => void) => void): void;
      }
    ).use((_req, res) => res.end());
    const result = await raw(srv, rawUpgrade(`${srv.path}?EIO=4&transport=websocket`));
    expect(result.closedByServer).toBe(true);
    expect(result.text).not.toContain("101");
  });
});

// ---- requests cut short --------------------------------------------------------------------------------------

/**
 * Opens a TCP connection and writes the head of a POST for `sid` plus the first part of its body; resolves once
 * the server has the request (the engine's listener runs first, so the engine has it too).
 */
async function partialPost(
  srv: TestServer,
  sid: string,
  headers: string,
  body: string,
): Promise<NetSocket> {
  const sock = connect(srv.port, "127.0.0.1");
  sock.on("error", () => undefined);
  onCleanup(() => sock.destroy());
  await once(sock, "connect");
  const arrived = once(srv.http, "request");
  sock.write(
    `POST ${srv.path}?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n${body}`,
  );
  await within(arrived, 5000, "the server to get the POST");
  return sock;
}

describeEngines("hardening: aborted polling requests close the session", (impl) => {
  it.each([
    ["closed", (s: NetSocket) => s.destroy()],
    ["reset", (s: NetSocket) => s.resetAndDestroy()],
  ] as const)(
    "a POST whose connection is %s mid-body → `transport error` at once, no message",
    async (_, stop) => {
      const srv = await startServer(impl);
      const { sid } = await handshake(srv);
      const socket = await srv.socket(sid);
      let messages = 0;
      socket.on("message", () => messages++);
      const sock = await partialPost(
        srv,
        sid,
        "Content-Type: text/plain\r\nContent-Length: 100\r\n",
        "4hello",
      );
      // The default ping interval is 25 s: a close within the 5 s bound of `closed()` is the abort's doing.
      stop(sock);
      expect((await srv.closed(sid)).reason).toBe("transport error");
      expect(messages).toBe(0);
      expectErrorBody(await poll(srv, sid), 400, 1, "Session ID unknown");
    },
  );

  it("a pending GET whose connection is reset → `transport error` at once", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const sock = connect(srv.port, "127.0.0.1");
    sock.on("error", () => undefined);
    await once(sock, "connect");
    sock.write(
      `GET ${srv.path}?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    await waitFor(() => socket.transport.writable === true, "GET pending");
    sock.resetAndDestroy();
    expect((await srv.closed(sid)).reason).toBe("transport error");
  });
});

// ---- slow and fragmented bodies ------------------------------------------------------------------------------

describeEngines("hardening: httpRequestBodyTimeout and maxBufferedChunks", (impl) => {
  it("defaults: httpRequestBodyTimeout 30000, maxBufferedChunks 10000", async () => {
    const srv = await startServer(impl);
    expect((srv.engine as unknown as { opts: Record<string, unknown> }).opts).toMatchObject({
      httpRequestBodyTimeout: 30000,
      maxBufferedChunks: 10000,
    });
  });

  it("a POST body that stalls → 408, empty body, the session closes with `transport error`", async () => {
    const srv = await startServer(impl, { httpRequestBodyTimeout: 200 });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let messages = 0;
    socket.on("message", () => messages++);
    const sock = await partialPost(
      srv,
      sid,
      "Content-Type: text/plain\r\nContent-Length: 100\r\n",
      "4slow",
    );
    let answer = "";
    sock.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    await within(once(sock, "close"), 5000, "the server to drop the stalled POST");
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.slice(answer.indexOf("\r\n\r\n") + 4).replace("0\r\n\r\n", "")).toBe("");
    expect((await srv.closed(sid)).reason).toBe("transport error");
    expect(messages).toBe(0);
  });

  it("a body that completes in time is not cut by the timer", async () => {
    const srv = await startServer(impl, { httpRequestBodyTimeout: 5000 });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const got = new Promise((resolve) => socket.once("message", resolve));
    expect((await post(srv, sid, "4in time")).text).toBe("ok");
    expect(await got).toBe("in time");
    expect(socket.readyState).toBe("open");
  });

  /** A chunked POST of `n` one-byte chunks (each one `data` event on the server) spelling `4` + "a"s. */
  const chunked = (srv: TestServer, sid: string, n: number): string =>
    `POST ${srv.path}?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n4\r\n` +
    "1\r\na\r\n".repeat(n - 1) +
    "0\r\n\r\n";

  it("more chunks than maxBufferedChunks → 413, empty body, the session closes with `transport error`", async () => {
    const srv = await startServer(impl, { maxBufferedChunks: 10 });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let messages = 0;
    socket.on("message", () => messages++);
    const result = await raw(srv, chunked(srv, sid, 30), { settle: (t) => t.includes("\r\n\r\n") });
    expect(result.text).toMatch(/^HTTP\/1\.1 413 /);
    expect((await srv.closed(sid)).reason).toBe("transport error");
    expect(messages).toBe(0);
  });

  it("exactly maxBufferedChunks chunks are accepted", async () => {
    const srv = await startServer(impl, { maxBufferedChunks: 10 });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const got = new Promise((resolve) => socket.once("message", resolve));
    const result = await raw(srv, chunked(srv, sid, 10), { settle: (t) => t.endsWith("ok") });
    expect(result.text).toMatch(/^HTTP\/1\.1 200 /);
    expect(await got).toBe("a".repeat(9));
  });

  it("a POST over maxHttpBufferSize → 413 and the session closes with `transport error`", async () => {
    const srv = await startServer(impl, { maxHttpBufferSize: 100 });
    const { sid } = await handshake(srv);
    const res = await post(srv, sid, `4${"x".repeat(5000)}`);
    expect(res.status).toBe(413);
    expect((await srv.closed(sid)).reason).toBe("transport error");
  });
});

// ---- Engine.IO v3 (or no version) on a v4 session -----------------------------------------------------------

const versions = [
  { name: "EIO=3", eio: "EIO=3&" },
  { name: "EIO=5", eio: "EIO=5&" },
  { name: "no EIO", eio: "" },
];

describeEngines("hardening: a request of another protocol version for a v4 session", (impl) => {
  it.each(versions)(
    "$name polling GET with the sid → 400 code 3 at once; the session goes on",
    async ({ eio }) => {
      const srv = await startServer(impl);
      const { sid } = await handshake(srv);
      const socket = await srv.socket(sid);
      const error = srv.nextConnectionError();
      const res = await within(
        request(srv.url(`${eio}transport=polling&sid=${sid}`)),
        5000,
        "an answer to the GET",
      );
      expectErrorBody(res, 400, 3, "Bad request");
      expect((await error).context).toMatchObject({ name: "PROTOCOL_MISMATCH" });
      // A real v4 poll still gets the session's packets.
      const pending = poll(srv, sid);
      socket.send("still here");
      expect((await pending).text).toBe("4still here");
    },
  );

  it.each(versions)(
    "$name polling POST with the sid → 400 code 3, the payload is not delivered",
    async ({ eio }) => {
      const srv = await startServer(impl);
      const { sid } = await handshake(srv);
      const socket = await srv.socket(sid);
      const seen: unknown[] = [];
      socket.on("message", (m) => seen.push(m));
      const res = await within(
        request(srv.url(`${eio}transport=polling&sid=${sid}`), { method: "POST", body: "4v3" }),
        5000,
        "an answer to the POST",
      );
      expectErrorBody(res, 400, 3, "Bad request");
      expect((await post(srv, sid, "4v4")).text).toBe("ok");
      await waitFor(() => seen.length === 1, "the v4 message");
      expect(seen).toEqual(["v4"]);
    },
  );

  it.each(versions)(
    "$name websocket upgrade with the sid → raw 400 `Bad request`; polling goes on",
    async ({ eio }) => {
      const srv = await startServer(impl);
      const { sid } = await handshake(srv);
      const socket = await srv.socket(sid);
      const result = await raw(srv, rawUpgrade(`${srv.path}?${eio}transport=websocket&sid=${sid}`));
      expect(result.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(result.text.endsWith("\r\n\r\nBad request")).toBe(true);
      expect(result.closedByServer).toBe(true);
      expect(socket.transport.name).toBe("polling");
      const pending = poll(srv, sid);
      socket.send("polling");
      expect((await pending).text).toBe("4polling");
    },
  );

  it("EIO=5 websocket handshake → raw 400 `Unsupported protocol version`", async () => {
    const srv = await startServer(impl);
    const result = await raw(srv, rawUpgrade(`${srv.path}?EIO=5&transport=websocket`));
    // Reference quirk (see errors.test.ts): it sends the 101 first and writes the 400 onto the upgraded socket.
    if (impl.reference) expect(result.text).toContain("HTTP/1.1 400 Bad Request\r\n");
    else expect(result.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(result.text.endsWith("\r\n\r\nUnsupported protocol version")).toBe(true);
    expect(result.closedByServer).toBe(true);
  });
});

// ---- an interrupted upgrade ----------------------------------------------------------------------------------

describeEngines(
  "hardening: an upgrade reset by the client leaves the polling session working",
  (impl) => {
    it.each([
      ["as soon as the request is written", false],
      ["right after the 101", true],
    ] as const)("reset %s", async (_, after101) => {
      const srv = await startServer(impl);
      const { sid } = await handshake(srv);
      const socket = await srv.socket(sid);
      const seen = new Promise<void>((resolve) => srv.http.once("upgrade", () => resolve()));
      const sock = connect(srv.port, "127.0.0.1");
      sock.on("error", () => undefined);
      onCleanup(() => sock.destroy());
      await once(sock, "connect");
      let answer = "";
      sock.on("data", (d: Buffer) => (answer += d.toString("latin1")));
      sock.write(rawUpgrade(`${srv.path}?EIO=4&transport=websocket&sid=${sid}`));
      if (after101) await waitFor(() => answer.startsWith("HTTP/1.1 101 "), "the 101");
      else await seen;
      sock.resetAndDestroy();
      await waitFor(
        () => (socket as unknown as { upgrading: boolean }).upgrading === false,
        "the probe to be dropped",
      );

      // Polling still works both ways.
      const got = new Promise((resolve) => socket.once("message", resolve));
      expect((await post(srv, sid, "4after")).text).toBe("ok");
      expect(await got).toBe("after");
      const pending = poll(srv, sid);
      socket.send("back");
      expect(packets((await pending).text)).toEqual(["4back"]);

      // And a real upgrade completes: nothing of the reset one is left in the way.
      const ws = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
      await ws.opened;
      ws.send("2probe");
      expect(await ws.nextText()).toBe("3probe");
      ws.send("5");
      await waitFor(() => socket.transport.name === "websocket", "the upgrade");
      socket.send("over ws");
      expect(await ws.nextText()).toBe("4over ws");
      expect(socket.readyState).toBe("open");
    });
  },
);
