// docs/protocol.md §1.3: HTTP long-polling request/response details.
import { connect, type Socket } from "node:net";
import { expect, it } from "vitest";
import {
  describeEngines,
  expectErrorBody,
  handshake,
  onCleanup,
  packets,
  poll,
  post,
  raw,
  request,
  SEP,
  startServer,
  waitFor,
  type TestServer,
} from "./helpers.js";

/** Starts a POST whose body never completes, so it stays in flight; collects whatever the server answers. */
function hangingPost(srv: TestServer, sid: string): { sock: Socket; answer: () => string } {
  const sock = connect(srv.port, "127.0.0.1");
  onCleanup(() => sock.destroy());
  let text = "";
  sock.on("data", (c: Buffer) => (text += c.toString("latin1")));
  sock.on("error", () => undefined);
  sock.write(
    `POST ${srv.path}?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 100\r\n\r\n4part`,
  );
  return { sock, answer: () => text };
}

describeEngines("polling (§1.3)", (impl) => {
  it("GET is held until the server has data, then 200 text/plain with the packet", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let answered = false;
    const pending = poll(srv, sid).then((r) => ((answered = true), r));
    await waitFor(() => socket.transport.writable === true, "GET pending on the server");
    expect(answered).toBe(false);
    socket.send("hello");
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.text).toBe("4hello");
    expect(res.headers["content-type"]).toBe("text/plain; charset=UTF-8");
    expect(res.headers["content-length"]).toBe("6");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("POST answers 200 `ok` text/html and delivers the message", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const got = new Promise((resolve) => socket.once("message", resolve));
    const res = await post(srv, sid, "4hi there");
    expect(res.status).toBe(200);
    expect(res.text).toBe("ok");
    expect(res.headers["content-type"]).toBe("text/html");
    expect(res.headers["content-length"]).toBe("2");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(await got).toBe("hi there");
  });

  it("packets are joined with 0x1e server → client", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    socket.send("a");
    socket.send("b");
    socket.send("c\u00e9\u{1f600}");
    const res = await poll(srv, sid);
    expect(packets(res.text)).toEqual(["4a", "4b", "4c\u00e9\u{1f600}"]);
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.text));
  });

  it("packets joined with 0x1e client → server arrive in order", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const got: unknown[] = [];
    socket.on("message", (m: unknown) => got.push(m));
    const res = await post(srv, sid, ["4one", "4two", "4thr\u00e9e"].join(SEP));
    expect(res.text).toBe("ok");
    await waitFor(() => got.length === 3, "three messages");
    expect(got).toEqual(["one", "two", "thr\u00e9e"]);
  });

  it("binary server → client as `b` + base64", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    socket.send(Buffer.from([1, 2, 3, 4]));
    socket.send("txt");
    socket.send(Buffer.from([0, 255, 254]));
    const res = await poll(srv, sid);
    expect(packets(res.text)).toEqual(["bAQIDBA==", "4txt", "bAP/+"]);
  });

  it("binary client → server: `b` + base64 arrives as a Buffer", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const got: unknown[] = [];
    socket.on("message", (m: unknown) => got.push(m));
    await post(srv, sid, `bAQIDBA==${SEP}4text${SEP}bAP/+`);
    await waitFor(() => got.length === 3, "three messages");
    expect(Buffer.isBuffer(got[0])).toBe(true);
    expect([...(got[0] as Buffer)]).toEqual([1, 2, 3, 4]);
    expect(got[1]).toBe("text");
    expect([...(got[2] as Buffer)]).toEqual([0, 255, 254]);
  });

  it("a second concurrent GET → 400, the session closes with `transport error`, the pending GET is answered", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    await srv.socket(sid);
    // Whichever reaches the server second is the offending one; the other is the pending poll.
    const [a, b] = await Promise.all([poll(srv, sid), poll(srv, sid)]);
    const [bad, pending] = a.status === 400 ? [a, b] : [b, a];
    expect(bad.status).toBe(400);
    expect(pending.status).toBe(200);
    expect(packets(pending.text)).toContain("1");
    expect((await srv.closed(sid)).reason).toBe("transport error");
    expectErrorBody(await poll(srv, sid), 400, 1, "Session ID unknown");
  });

  it("a second concurrent POST → 400 and the session closes with `transport error`", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    await srv.socket(sid);
    // Both bodies stay incomplete, so both POSTs are in flight; whichever arrives second is the offending one.
    const a = hangingPost(srv, sid);
    const b = hangingPost(srv, sid);
    expect((await srv.closed(sid)).reason).toBe("transport error");
    await waitFor(
      () => /^HTTP\/1\.1 400 /.test(a.answer()) || /^HTTP\/1\.1 400 /.test(b.answer()),
      "a 400 for one POST",
    );
    expectErrorBody(await poll(srv, sid), 400, 1, "Session ID unknown");
  });

  it("a POST with Content-Type application/octet-stream is refused with 400 and closes the session", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let messages = 0;
    socket.on("message", () => messages++);
    const res = await post(srv, sid, Buffer.from([4, 1, 2, 3]), {
      "content-type": "application/octet-stream",
    });
    expect(res.status).toBe(400);
    await srv.closed(sid);
    expect(messages).toBe(0);
    expectErrorBody(await poll(srv, sid), 400, 1, "Session ID unknown");
  });

  it("a POST larger than maxHttpBufferSize → 413, no message, the process is fine", async () => {
    const srv = await startServer(impl, { maxHttpBufferSize: 100 });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let messages = 0;
    socket.on("message", () => messages++);
    // 5 kB fits in the socket buffers, so the client sees the answer even if the server stops reading early.
    const res = await post(srv, sid, `4${"x".repeat(5000)}`);
    expect(res.status).toBe(413);
    expect(messages).toBe(0);
    // A fresh session still works.
    const fresh = await handshake(srv);
    const s2 = await srv.socket(fresh.sid);
    const got = new Promise((resolve) => s2.once("message", resolve));
    expect((await post(srv, fresh.sid, "4small")).text).toBe("ok");
    expect(await got).toBe("small");
  });

  it("a chunked POST (no Content-Length) over maxHttpBufferSize → 413, no message", async () => {
    const srv = await startServer(impl, { maxHttpBufferSize: 100 });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let messages = 0;
    socket.on("message", () => messages++);
    const body = `4${"c".repeat(3000)}`;
    const result = await raw(
      srv,
      `POST ${srv.path}?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      { settle: (text) => text.includes("\r\n\r\n") },
    );
    expect(result.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(messages).toBe(0);
  });

  it("maxHttpBufferSize counts bytes, not characters", async () => {
    const srv = await startServer(impl, { maxHttpBufferSize: 100 });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    let messages = 0;
    socket.on("message", () => messages++);
    // 61 characters, 121 bytes in UTF-8.
    const res = await post(srv, sid, `4${"\u00e9".repeat(60)}`);
    expect(res.status).toBe(413);
    expect(messages).toBe(0);
  });

  it("a POST of exactly maxHttpBufferSize bytes is accepted", async () => {
    const srv = await startServer(impl, { maxHttpBufferSize: 100 });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const got = new Promise((resolve) => socket.once("message", resolve));
    expect((await post(srv, sid, `4${"y".repeat(99)}`)).status).toBe(200);
    expect(await got).toBe("y".repeat(99));
  });

  it.each(["PUT", "DELETE", "PATCH"])("%s on an existing sid → 500, empty body", async (method) => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const res = await request(srv.url(`EIO=4&transport=polling&sid=${sid}`), {
      method,
      body: "4x",
    });
    expect(res.status).toBe(500);
    expect(res.text).toBe("");
  });

  it("the socket emits `packet` for every incoming packet", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const seen: Array<{ type: unknown; data: unknown }> = [];
    socket.on("packet", (p: { type: unknown; data: unknown }) =>
      seen.push({ type: p.type, data: p.data }),
    );
    await post(srv, sid, `4hi${SEP}bAQI=`);
    await waitFor(() => seen.length === 2, "two packet events");
    expect(seen[0]).toEqual({ type: "message", data: "hi" });
    expect(seen[1]?.type).toBe("message");
    expect([...(seen[1]?.data as Buffer)]).toEqual([1, 2]);
  });

  it("a session keeps working over many GET/POST round trips", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    socket.on("message", (m: string) => socket.send(`echo:${m}`));
    for (let i = 0; i < 20; i++) {
      const pending = poll(srv, sid);
      expect((await post(srv, sid, `4m${i}`)).text).toBe("ok");
      expect((await pending).text).toBe(`4echo:m${i}`);
    }
  });
});
