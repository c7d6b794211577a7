// The five defects of issue #12, each as an attack on the server in a child process (harness/).
import { beforeEach, describe, expect, it } from "vitest";
import {
  EIO_PATH,
  RawConn,
  RawWs,
  ServerChild,
  closeSession,
  handshake,
  http,
  poll,
  pollingSocket,
  pollingUrl,
  post,
  rawRequest,
  statusOf,
  underAttack,
  useServerChild,
} from "./harness/index.js";

/** Small, so the body-timeout defect is quick to show; the default (30 s) is what users get. */
const BODY_TIMEOUT_MS = 300;

const server = useServerChild({ server: { httpRequestBodyTimeout: BODY_TIMEOUT_MS } });
let child: ServerChild;
beforeEach(() => {
  child = server();
});

const H2C_UPGRADE = {
  Connection: "Upgrade, HTTP2-Settings",
  Upgrade: "h2c",
  "HTTP2-Settings": "AAMAAABkAARAAAAAAAIAAAAA",
};

describe("defects", () => {
  it("defect 1: an h2c upgrade (other path, and engine path) reset within a second does not crash the server", () =>
    underAttack(child, async (from) => {
      for (const path of ["/not-the-engine", `${EIO_PATH}?EIO=4&transport=polling`]) {
        const conn = await RawConn.open(child.port);
        await conn.write(rawRequest("GET", path, H2C_UPGRADE));
        // Reset once the server has handed the socket to its upgrade listeners, well before the
        // 1 s destroy-upgrade timer; the timer then fires on a reset socket (the baseline wait covers it).
        await child.waitForEvent(
          (e) => e.type === "upgrade-seen" && e.url === path,
          `the server to see the upgrade of ${path}`,
          3000,
          from,
        );
        conn.rst();
      }
    }));

  it("defect 2: an aborted long-polling POST (partial body, then close) closes its session at once with `transport error`", () =>
    underAttack(child, async (from) => {
      const sid = await pollingSocket(child.port);
      const conn = await RawConn.open(child.port);
      const head = rawRequest("POST", pollingUrl(sid), {
        "Content-Type": "text/plain;charset=UTF-8",
        "Content-Length": 100,
      });
      await conn.write(head + '42["echo","only part');
      conn.destroy(); // FIN: the server reads the partial body, then sees the end of the connection
      // Bounded well below the ping timeout (45 s), which would otherwise be what ends the session.
      const closed = await child.waitForEvent(
        (e) => e.type === "engine-close" && e.sid === sid,
        "the session to close",
        3000,
        from,
      );
      expect(closed.reason).toBe("transport error");
      const after = await poll(child.port, sid);
      expect(after.status).toBe(400);
      expect(JSON.parse(after.text)).toMatchObject({ code: 1 });
    }));

  it("defect 3a: a POST body that stops arriving gets 408 after httpRequestBodyTimeout", () =>
    underAttack(child, async () => {
      const sid = await pollingSocket(child.port);
      const conn = await RawConn.open(child.port);
      const head = rawRequest("POST", pollingUrl(sid), {
        "Content-Type": "text/plain;charset=UTF-8",
        "Content-Length": 100,
      });
      await conn.write(head + "42[");
      // A hang would last until Node's own requestTimeout (300 s); the bound is 10x the configured timeout.
      const text = await conn.waitFor(
        (t) => statusOf(t) !== undefined,
        "a response to the stalled POST",
        BODY_TIMEOUT_MS * 10,
      );
      expect(statusOf(text)).toBe(408);
      conn.destroy();
      await closeSession(child.port, sid);
    }));

  it("defect 3b: a POST body in more than maxBufferedChunks (10000) pieces gets 413", () =>
    underAttack(child, async () => {
      const sid = await pollingSocket(child.port);
      const conn = await RawConn.open(child.port);
      const head = rawRequest("POST", pollingUrl(sid), {
        "Content-Type": "text/plain;charset=UTF-8",
        "Transfer-Encoding": "chunked",
      });
      // Each HTTP chunk reaches the engine as its own 'data' event: 10050 one-byte pieces, 60 kB on the wire.
      await conn.write(head + "1\r\n4\r\n" + "1\r\nx\r\n".repeat(10_049));
      const text = await conn.waitFor(
        (t) => statusOf(t) !== undefined,
        "a response to the fragmented POST",
        5000,
      );
      expect(statusOf(text)).toBe(413);
      conn.destroy();
      await closeSession(child.port, sid);
    }));

  it("defect 4a: a binary WebSocket frame before the Socket.IO CONNECT closes that connection", () =>
    underAttack(child, async (from) => {
      const ws = await RawWs.open(child.port);
      ws.send(Buffer.from([1, 2, 3, 4]), { binary: true });
      await ws.waitClosed("the connection that sent binary before CONNECT", 3000);
      await child.waitForEvent(
        (e) => e.type === "engine-close" && e.sid === ws.sid,
        "the session to close",
        3000,
        from,
      );
    }));

  it("defect 4b: a binary (`b…`) polling packet before the Socket.IO CONNECT closes that session", () =>
    underAttack(child, async (from) => {
      const sid = await handshake(child.port);
      await post(child.port, sid, "bAQIDBA==");
      // The close reaches a polling client on its next GET (a close packet); then the sid is unknown.
      const res = await poll(child.port, sid);
      expect(
        res.status === 400 || res.text.split("\x1e").includes("1"),
        `GET after the binary packet: ${res.status} ${res.text}`,
      ).toBe(true);
      await child.waitForEvent(
        (e) => e.type === "engine-close" && e.sid === sid,
        "the session to close",
        3000,
        from,
      );
      expect((await poll(child.port, sid)).status).toBe(400);
    }));

  it("defect 5: `EIO=3` with a `sid` on a polling request gets an immediate 400 error JSON, not a hang", () =>
    underAttack(child, async () => {
      const sid = await pollingSocket(child.port);
      // `http()` gives up after 5 s; a hang would last until the next ping (25 s).
      for (const [method, target] of [
        ["GET", pollingUrl(sid, 3)],
        ["POST", pollingUrl(sid, 3)],
        ["GET", pollingUrl("no-such-session", 3)],
      ] as const) {
        const res = await http(child.port, target, {
          method,
          body: method === "POST" ? "40" : undefined,
        });
        expect(res.status, `${method} ${target}`).toBe(400);
        expect(res.headers["content-type"]).toMatch(/^application\/json/);
        const body = JSON.parse(res.text) as { code: unknown; message: unknown };
        expect(typeof body.code).toBe("number");
        expect(typeof body.message).toBe("string");
      }
      await closeSession(child.port, sid);
    }));
});
