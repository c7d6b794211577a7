// The usual abuse of a real-time server, against the server in a child process (harness/): slowloris, half-open
// TCP, CONNECT floods, hostile JSON, absurd attachment counts, and upgrades or handshakes cut mid-way.
import { beforeEach, describe, expect, it } from "vitest";
import {
  EIO_PATH,
  RawConn,
  RawWs,
  ServerChild,
  closeSession,
  expectRefusedOverWs,
  poll,
  pollingSocket,
  pollingUrl,
  post,
  rawRequest,
  statusOf,
  underAttack,
  useServerChild,
  wsFrame,
  wsUpgradeHeaders,
} from "./harness/index.js";

// Short limits so each cut happens quickly; the defaults are what users get. Short heartbeats end sessions
// whose client vanished mid-handshake in seconds, not 45 s.
const HEADERS_TIMEOUT = 500;
const BODY_TIMEOUT = 400;
const server = useServerChild({
  http: { headersTimeout: HEADERS_TIMEOUT, requestTimeout: 2000, connectionsCheckingInterval: 100 },
  server: {
    httpRequestBodyTimeout: BODY_TIMEOUT,
    pingInterval: 1000,
    pingTimeout: 3000,
    cleanupEmptyChildNamespaces: true,
  },
});
let child: ServerChild;
beforeEach(() => {
  child = server();
});

/** Bound on a cut that should come from a timeout above: generous, so only a connection held open fails. */
const CUT_BOUND = 5000;

/** Writes `drip` every 100 ms until the server closes the connection (bounded); returns what it answered. */
async function dripUntilCut(conn: RawConn, drip: string, what: string): Promise<string> {
  const timer = setInterval(() => void conn.write(drip), 100);
  try {
    await conn.waitClosedByServer(CUT_BOUND, what);
  } finally {
    clearInterval(timer);
  }
  return conn.text;
}

/** Over polling a close reaches the client on its next GET (close packet), then the sid is unknown (400). */
async function expectPollingSessionClosed(sid: string, from: number): Promise<void> {
  const res = await poll(child.port, sid);
  expect(
    res.status === 400 || res.text.split("\x1e").includes("1"),
    `GET after the refusal: ${res.status} ${res.text.slice(0, 80)}`,
  ).toBe(true);
  await child.waitForEvent(
    (e) => e.type === "engine-close" && e.sid === sid,
    "the polling session to close",
    3000,
    from,
  );
  expect((await poll(child.port, sid)).status).toBe(400);
}

function deep(depth: number, open: string, close: string, core = "0"): string {
  return open.repeat(depth) + core + close.repeat(depth);
}

describe("abuse", () => {
  it("slowloris headers: headers that never end are cut by headersTimeout (408)", () =>
    underAttack(child, async () => {
      for (const [path, headers] of [
        [pollingUrl(), {}],
        [`${EIO_PATH}?EIO=4&transport=websocket`, wsUpgradeHeaders()],
      ] as const) {
        const conn = await RawConn.open(child.port);
        await conn.write(rawRequest("GET", path, headers).slice(0, -2)); // no blank line: the headers go on
        const text = await dripUntilCut(conn, "X-Slow: 1\r\n", `a slowloris request for ${path}`);
        expect(statusOf(text), path).toBe(408);
      }
    }));

  it("slowloris body: a POST body dripping a byte at a time is cut by the body timeout (408)", () =>
    underAttack(child, async () => {
      const sid = await pollingSocket(child.port);
      const conn = await RawConn.open(child.port);
      await conn.write(
        rawRequest(
          "POST",
          pollingUrl(sid),
          { "Content-Type": "text/plain;charset=UTF-8", "Content-Length": 10_000 },
          "4",
        ),
      );
      const text = await dripUntilCut(conn, "2", "a dripping POST body");
      expect(statusOf(text)).toBe(408);
      await closeSession(child.port, sid);
    }));

  it("half-open TCP: a connection that sends nothing is cut", () =>
    underAttack(child, async () => {
      const conn = await RawConn.open(child.port);
      await conn.waitClosedByServer(CUT_BOUND, "a silent connection");
    }));

  it("half-open TCP: a partial request line and nothing more is cut", () =>
    underAttack(child, async () => {
      const conn = await RawConn.open(child.port);
      await conn.write("GET /socket.io/?EIO=4&tra");
      await conn.waitClosedByServer(CUT_BOUND, "a connection stuck in its request line");
      expect(statusOf(conn.text) ?? 408).toBe(408);
    }));

  it("CONNECT flood: 150 namespaces on one connection stop at maxNamespacesPerConnection (100) with connect_error", () =>
    underAttack(child, async () => {
      const ws = await RawWs.open(child.port);
      for (let i = 0; i < 150; i++) ws.send(`40/dyn-${i},`);
      const replyTo = (i: number) => (f: string | Buffer) =>
        typeof f === "string" && (f.startsWith(`40/dyn-${i},{`) || f.startsWith(`44/dyn-${i},{`));
      const replies: string[] = [];
      for (let i = 0; i < 150; i++)
        replies.push((await ws.next(replyTo(i), `the reply to CONNECT /dyn-${i}`)) as string);
      expect(replies.filter((r) => r.startsWith("40/")).length).toBe(100);
      expect(replies.slice(100).every((r) => r.startsWith("44/"))).toBe(true);
      const health = await child.health();
      const joined = Object.entries(health.namespaces).filter(([nsp]) => nsp.startsWith("/dyn-"));
      expect(joined.reduce((n, [, count]) => n + count, 0)).toBe(100);
      expect(ws.isOpen).toBe(true);
    }));

  it("CONNECT flood: 1000 CONNECTs to the same namespace make one socket, then the connection is closed", () =>
    underAttack(child, async () => {
      // A second CONNECT for a joined namespace closes the connection (as socket.io does).
      const ws = await RawWs.open(child.port);
      for (let i = 0; i < 1000; i++) ws.send("40");
      await ws.waitClosed("the connection flooding CONNECTs", 3000);
      expect(
        ws.frames.filter((f) => typeof f === "string" && f.startsWith("40{")).length,
      ).toBeLessThanOrEqual(1);
    }));

  it("deep JSON: 100 000 levels in an EVENT (WebSocket and polling) and in CONNECT auth", () =>
    underAttack(child, async () => {
      // Either outcome is the protocol's own: the event is handled (ack) or the connection is closed.
      const ws = await RawWs.connected(child.port);
      ws.send(`421["sink",${deep(100_000, "[", "]")}]`);
      await ws
        .next((f) => f === "431[true]", "an ack of the deep array")
        .catch(() => ws.waitClosed("the deep array connection"));

      const sid = await pollingSocket(child.port);
      await post(child.port, sid, `421["sink",${deep(100_000, '{"a":', "}")}]`);
      const res = await poll(child.port, sid);
      expect(
        res.status === 400 ||
          res.text.includes("431[true]") ||
          res.text.split("\x1e").includes("1"),
        res.text.slice(0, 100),
      ).toBe(true);
      await closeSession(child.port, sid);

      const auth = await RawWs.open(child.port);
      auth.send(`40{"token":${deep(100_000, "[", "]")}}`);
      await auth
        .next((f) => typeof f === "string" && /^4[04]\{/.test(f), "a CONNECT reply")
        .catch(() => auth.waitClosed("the deep auth connection"));
    }));

  it("huge attachment counts: `5123456-…` and worse are refused at once", () =>
    underAttack(child, async (from) => {
      const data = '["sink",{"_placeholder":true,"num":0}]';
      for (const count of ["123456", "4294967297", "9".repeat(400), "1e9", "-1", "0x10"]) {
        await expectRefusedOverWs(
          child.port,
          [`45${count}-${data}`],
          `${count} announced attachments`,
        );
      }
      const sid = await pollingSocket(child.port);
      await post(child.port, sid, `45123456-${data}`);
      await expectPollingSessionClosed(sid, from);
    }));

  it("interrupted upgrades: resets before the 101, after it, and after the probe leave the polling session working", () =>
    underAttack(child, async () => {
      for (const stage of ["request sent", "101 received", "probe answered"] as const) {
        const sid = await pollingSocket(child.port);
        const conn = await RawConn.open(child.port);
        await conn.write(
          rawRequest("GET", `${EIO_PATH}?EIO=4&transport=websocket&sid=${sid}`, wsUpgradeHeaders()),
        );
        if (stage !== "request sent")
          await conn.waitFor((t) => t.startsWith("HTTP/1.1 101"), `the 101 (${stage})`);
        if (stage === "probe answered") {
          await conn.write(wsFrame(1, "2probe"));
          await conn.waitFor((t) => t.includes("3probe"), "the probe answer");
        }
        conn.rst();
        // The upgrade is cancelled; the session goes on over polling (noops may come first).
        expect((await post(child.port, sid, '421["sink"]')).status, stage).toBe(200);
        const got: string[] = [];
        for (let i = 0; i < 5 && !got.includes("431[true]"); i++)
          got.push(...(await poll(child.port, sid)).text.split("\x1e"));
        expect(got, stage).toContain("431[true]");
        await closeSession(child.port, sid);
      }
    }));

  it("interrupted upgrades: of 20 concurrent upgrades of a session one becomes the probe; the others get 101, then a close", () =>
    underAttack(child, async () => {
      const sid = await pollingSocket(child.port);
      const conns = await Promise.all(Array.from({ length: 20 }, () => RawConn.open(child.port)));
      await Promise.all(
        conns.map((c) =>
          c.write(
            rawRequest(
              "GET",
              `${EIO_PATH}?EIO=4&transport=websocket&sid=${sid}`,
              wsUpgradeHeaders(),
            ),
          ),
        ),
      );
      const statuses = await Promise.all(
        conns.map((c) =>
          c
            .waitFor((t) => statusOf(t) !== undefined, "an answer to the upgrade")
            .then(statusOf, () => "closed"),
        ),
      );
      // As on engine.io (docs/protocol.md §1.6.1): a probe the session cannot take is accepted, then closed.
      expect(statuses.every((s) => s === 101)).toBe(true);
      await Promise.all(conns.map((c) => c.write(wsFrame(1, "2probe"))));
      const closeFrame = (t: string): boolean => t.includes("\r\n\r\n\x88");
      const outcomes = await Promise.all(
        conns.map((c) =>
          c
            .waitFor((t) => t.includes("3probe") || closeFrame(t), "3probe or a close frame")
            .then((t) => (closeFrame(t) ? "closed" : "probe")),
        ),
      );
      expect(outcomes.filter((o) => o === "probe").length).toBe(1);
      expect(outcomes.filter((o) => o === "closed").length).toBe(19);
      for (const c of conns) c.rst();
      await closeSession(child.port, sid);
    }));

  it("interrupted handshakes: resets right after a polling or WebSocket handshake request, or after its 101", () =>
    underAttack(
      child,
      async (from) => {
        const polling = await RawConn.open(child.port);
        await polling.write(rawRequest("GET", pollingUrl(), {}));
        polling.rst();
        const early = await RawConn.open(child.port);
        await early.write(
          rawRequest("GET", `${EIO_PATH}?EIO=4&transport=websocket`, wsUpgradeHeaders()),
        );
        early.rst();
        const late = await RawConn.open(child.port);
        await late.write(
          rawRequest("GET", `${EIO_PATH}?EIO=4&transport=websocket`, wsUpgradeHeaders()),
        );
        await late.waitFor((t) => t.startsWith("HTTP/1.1 101"), "the 101 of a WebSocket handshake");
        const opened = await child.waitForEvent(
          (e) => e.type === "engine-connection" && e.transport === "websocket",
          "the session",
          3000,
          from,
        );
        late.rst();
        const closed = await child.waitForEvent(
          (e) => e.type === "engine-close" && e.sid === opened.sid,
          "the reset session to close",
          3000,
          from,
        );
        expect(closed.reason).toBe("transport close");
        // Sessions the resets may have left (a handshake answered into a dead socket) end by ping timeout:
        // the baseline wait (pingInterval + pingTimeout = 4 s here) covers them.
      },
      { settleMs: 12_000 },
    ));
});
