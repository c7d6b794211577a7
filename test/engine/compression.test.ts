// docs/protocol.md §1.3/§1.10: `httpCompression` of polling GET responses.
import { gunzipSync, inflateSync } from "node:zlib";
import { expect, it } from "vitest";
import { describeEngines, handshake, poll, startServer } from "./helpers.js";

describeEngines("polling compression", (impl) => {
  it("httpCompression: a large GET response is gzipped when accepted", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const big = "z".repeat(4000);
    socket.send(big);
    const res = await poll(srv, sid, { "accept-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.body.length).toBeLessThan(4000);
    expect(gunzipSync(res.body).toString()).toBe(`4${big}`);
  });

  it("httpCompression: deflate when only deflate is accepted", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    const big = "q".repeat(3000);
    socket.send(big);
    const res = await poll(srv, sid, { "accept-encoding": "deflate" });
    expect(res.headers["content-encoding"]).toBe("deflate");
    expect(inflateSync(res.body).toString()).toBe(`4${big}`);
  });

  it("httpCompression: no compression below the threshold, without Accept-Encoding, or when disabled", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    socket.send("small");
    const small = await poll(srv, sid, { "accept-encoding": "gzip" });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.text).toBe("4small");
    socket.send("w".repeat(4000));
    const plain = await poll(srv, sid);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.text).toBe(`4${"w".repeat(4000)}`);

    const off = await startServer(impl, { httpCompression: false });
    const s2 = await handshake(off);
    (await off.socket(s2.sid)).send("v".repeat(4000));
    const res = await poll(off, s2.sid, { "accept-encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.text).toBe(`4${"v".repeat(4000)}`);
  });

  it("httpCompression threshold option is honoured", async () => {
    const srv = await startServer(impl, { httpCompression: { threshold: 100 } });
    const { sid } = await handshake(srv);
    const socket = await srv.socket(sid);
    socket.send("k".repeat(200));
    const res = await poll(srv, sid, { "accept-encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toBe(`4${"k".repeat(200)}`);
  });
});
