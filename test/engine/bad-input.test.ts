// Bad input never crashes the process (common rules): after each abuse, a fresh handshake still works.
// Vitest fails the run on any uncaught exception or unhandled rejection, which is the other half of the check.
import { expect, it } from "vitest";
import {
  describeEngines,
  expectErrorBody,
  handshake,
  openWs,
  poll,
  post,
  raw,
  rawUpgrade,
  request,
  SEP,
  startServer,
  wsHandshake,
  type TestServer,
} from "./helpers.js";

async function stillServes(srv: TestServer): Promise<void> {
  const { sid } = await handshake(srv);
  const socket = await srv.socket(sid);
  socket.send("fine");
  expect((await poll(srv, sid)).text).toBe("4fine");
  const ws = await wsHandshake(srv);
  (await srv.socket(ws.sid)).send("fine");
  expect(await ws.client.nextText()).toBe("4fine");
}

const garbageQueries = [
  "",
  "&&&==&%%&EIO=4&transport=polling",
  "EIO=4&EIO=4&transport=polling&transport=websocket",
  "EIO[]=4&transport[]=polling",
  "EIO=4&transport=polling&sid=",
  "EIO=4&transport=polling&sid",
  "EIO=%ZZ&transport=polling",
  "EIO=4&transport=polling&x=%E0%A4%A",
  "EIO=4&transport=poll%00ing",
  "EIO=4&transport=%F0%9F%98%80",
  `EIO=4&transport=polling&t=${"a".repeat(4000)}`,
];

const oddSids = [
  "../../etc/passwd",
  "%00",
  "<script>alert(1)</script>",
  "%E0%A4%A",
  "a b",
  "x".repeat(2000),
  "\u00e9\u{1f600}",
];
const prototypeSids = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

describeEngines("bad input", (impl) => {
  it.each(garbageQueries)("garbage query %j: an HTTP answer, no crash", async (query) => {
    const srv = await startServer(impl);
    const res = await request(srv.url(query));
    expect([200, 400, 403]).toContain(res.status);
    await stillServes(srv);
  });

  it.each(oddSids)("odd sid %j → 400 code 1", async (sid) => {
    const srv = await startServer(impl);
    await handshake(srv); // so the session table is not empty
    const res = await request(
      `http://127.0.0.1:${srv.port}${srv.path}?EIO=4&transport=polling&sid=${sid}`,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ code: 1, message: "Session ID unknown" });
    await stillServes(srv);
  });

  it.each(prototypeSids)("sid %j (an Object.prototype key) is an unknown session", async (sid) => {
    const srv = await startServer(impl);
    for (const method of ["GET", "POST"]) {
      const res = await request(srv.url(`EIO=4&transport=polling&sid=${sid}`), {
        method,
        body: method === "POST" ? "4x" : undefined,
      });
      // A session table that is a plain object would find `constructor` & co. and answer something else.
      expectErrorBody(res, 400, 1, "Session ID unknown");
    }
    const ws = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
    await ws.closed;
    expect(ws.error?.message ?? "").not.toMatch(/101/);
    await stillServes(srv);
  });

  it("huge headers and a huge URL are refused by HTTP, no crash", async () => {
    const srv = await startServer(impl);
    const res = await request(srv.url("EIO=4&transport=polling"), {
      headers: { "x-big": "h".repeat(64 * 1024) },
    }).catch((e: Error) => e);
    if (!(res instanceof Error)) expect(res.status).toBe(431);
    const big = await request(srv.url(`EIO=4&transport=polling&q=${"u".repeat(80 * 1024)}`)).catch(
      (e: Error) => e,
    );
    if (!(big instanceof Error)) expect(big.status).toBeGreaterThanOrEqual(400);
    await stillServes(srv);
  });

  it.each([
    ["unknown packet type", "9foo"],
    ["non-digit packet", "hello"],
    ["valid then invalid", `4ok${SEP}9bad`],
    ["trailing separator", `4ok${SEP}`],
  ])(
    "POST body that is not a valid payload (%s) → session closed `parse error`",
    async (_name, body) => {
      const srv = await startServer(impl);
      const { sid } = await handshake(srv);
      await srv.socket(sid);
      await post(srv, sid, body).catch(() => undefined);
      expect((await srv.closed(sid)).reason).toBe("parse error");
      expect((await poll(srv, sid)).status).toBe(400);
      await stillServes(srv);
    },
  );

  it("an empty POST body does not crash", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    await post(srv, sid, "").catch(() => undefined);
    await stillServes(srv);
  });

  it.each([
    ["truncated request line", "GET /engine.io/?EIO=4&transp"],
    [
      "truncated headers",
      "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: yes",
    ],
    ["binary garbage", Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10])],
    [
      "truncated upgrade",
      "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
    ],
  ])("%s then EOF: no crash", async (_name, data) => {
    const srv = await startServer(impl);
    await raw(srv, data, { endWrite: true });
    await stillServes(srv);
  });

  it("a POST whose body is cut short (Content-Length larger than sent) does not crash", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    await raw(
      srv,
      `POST ${srv.path}?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n4abc`,
      { endWrite: true },
    );
    await stillServes(srv);
  });

  it("an upgrade with a bad Sec-WebSocket-Version or key is refused, no crash", async () => {
    const srv = await startServer(impl);
    const head = { settle: (text: string) => text.includes("\r\n\r\n") };
    const v7 = await raw(
      srv,
      rawUpgrade(`${srv.path}?EIO=4&transport=websocket`).replace("Version: 13", "Version: 7"),
      head,
    );
    expect(v7.text).toMatch(/^HTTP\/1\.1 4\d\d /);
    const noKey = await raw(
      srv,
      rawUpgrade(`${srv.path}?EIO=4&transport=websocket`).replace(
        /Sec-WebSocket-Key: [^\r]*\r\n/,
        "",
      ),
      head,
    );
    expect(noKey.text).toMatch(/^HTTP\/1\.1 4\d\d /);
    await stillServes(srv);
  });

  it("an invalid UTF-8 text frame closes that session only", async () => {
    const srv = await startServer(impl);
    const victim = await wsHandshake(srv);
    const other = await wsHandshake(srv);
    victim.client.ws.send(Buffer.from([0x34, 0xff, 0xfe]), { binary: false });
    await victim.client.closed;
    await srv.closed(victim.sid);
    (await srv.socket(other.sid)).send("ok");
    expect(await other.client.nextText()).toBe("4ok");
    await stillServes(srv);
  });

  it("a client dropping the connection right after the handshake response: no crash", async () => {
    const srv = await startServer(impl);
    await raw(srv, `GET ${srv.path}?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, {
      settle: (text) => text.includes("\r\n\r\n"),
    });
    await stillServes(srv);
  });
});
