// docs/protocol.md §1.10: Engine.IO v3 sessions with `allowEIO3` (socket.io-client 2.x), on the wire: the
// `<length>:<packet>` polling payload, binary payloads and `b4` base64, the client-driven heartbeat,
// binary WebSocket frames with a type byte, and the v3/v4 boundaries.
import { expect, it } from "vitest";
import {
  describeEngines,
  expectErrorBody,
  openWs,
  request,
  startServer,
  type HttpResponse,
  type TestServer,
} from "./helpers.js";

const V3 = { allowEIO3: true };

function url(srv: TestServer, sid?: string, extra = ""): string {
  return srv.url(
    `EIO=3&transport=polling${sid === undefined ? "" : `&sid=${encodeURIComponent(sid)}`}${extra}`,
  );
}

/** Splits a v3 text payload (`<length>:<packet>`…), checking every length. */
function v3Packets(payload: string): string[] {
  const out: string[] = [];
  let rest = payload;
  while (rest !== "") {
    const match = /^(\d+):/.exec(rest);
    expect(match, payload).not.toBeNull();
    const n = Number(match![1]);
    const start = match![0].length;
    expect(rest.length).toBeGreaterThanOrEqual(start + n);
    out.push(rest.slice(start, start + n));
    rest = rest.slice(start + n);
  }
  return out;
}

async function v3Handshake(
  srv: TestServer,
  extra = "",
): Promise<{ sid: string; res: HttpResponse }> {
  const res = await request(url(srv, undefined, extra));
  expect(res.status, res.text).toBe(200);
  const [open] = v3Packets(res.text);
  expect(open![0]).toBe("0");
  const { sid, pingInterval } = JSON.parse(open!.slice(1)) as { sid: string; pingInterval: number };
  expect(typeof pingInterval).toBe("number");
  return { sid, res };
}

const post = (
  srv: TestServer,
  sid: string,
  body: string | Buffer,
  type = "text/plain;charset=UTF-8",
) => request(url(srv, sid), { method: "POST", headers: { "content-type": type }, body });

describeEngines("Engine.IO v3 (allowEIO3, §1.10)", (impl) => {
  it("refuses EIO=3 and a missing EIO with code 5 without the option", async () => {
    const srv = await startServer(impl);
    expectErrorBody(
      await request(srv.url("EIO=3&transport=polling")),
      400,
      5,
      "Unsupported protocol version",
    );
    expectErrorBody(
      await request(srv.url("transport=polling")),
      400,
      5,
      "Unsupported protocol version",
    );
  });

  it("opens a v3 polling session: length-prefixed payloads, messages both ways", async () => {
    const srv = await startServer(impl, V3);
    const { sid } = await v3Handshake(srv);
    const socket = await srv.socket(sid);
    const got: unknown[] = [];
    socket.on("message", (data: unknown) => got.push(data));
    // "é" is one UTF-16 unit: lengths count units, not bytes.
    expect((await post(srv, sid, "6:4héllo2:4x")).text).toBe("ok");
    expect(got).toEqual(["héllo", "x"]);
    socket.send("ü1");
    socket.send("two");
    expect(v3Packets((await request(url(srv, sid))).text)).toEqual(["4ü1", "4two"]);
  });

  it("answers the client's ping with a pong", async () => {
    const srv = await startServer(impl, V3);
    const { sid } = await v3Handshake(srv);
    const socket = await srv.socket(sid);
    let heartbeats = 0;
    socket.on("heartbeat", () => heartbeats++);
    await post(srv, sid, "1:2");
    expect(v3Packets((await request(url(srv, sid))).text)).toEqual(["3"]);
    // As the reference: the pong never echoes the ping's data.
    await post(srv, sid, "6:2hello");
    expect(v3Packets((await request(url(srv, sid))).text)).toEqual(["3"]);
    expect(heartbeats).toBe(2);
  });

  it("never pings itself and closes with ping timeout when the client stops pinging", async () => {
    const srv = await startServer(impl, { ...V3, pingInterval: 100, pingTimeout: 100 });
    const { sid } = await v3Handshake(srv);
    const closed = srv.closed(sid);
    const pending = request(url(srv, sid));
    expect((await closed).reason).toBe("ping timeout");
    // The held GET never carried a server ping.
    const res = await pending.catch(() => undefined);
    if (res !== undefined && res.status === 200) expect(v3Packets(res.text)).not.toContain("2");
  });

  it("sends binary as a binary payload, or as b4 base64 for a b64 client", async () => {
    const srv = await startServer(impl, V3);
    const binary = await v3Handshake(srv);
    (await srv.socket(binary.sid)).send(Buffer.from([1, 2, 3]));
    const res = await request(url(srv, binary.sid));
    expect(res.headers["content-type"]).toBe("application/octet-stream");
    expect([...res.body]).toEqual([1, 4, 255, 4, 1, 2, 3]);

    const text = await v3Handshake(srv, "&b64=1");
    const socket = await srv.socket(text.sid);
    socket.send(Buffer.from([1, 2, 3]));
    socket.send("x");
    expect(v3Packets((await request(url(srv, text.sid, "&b64=1"))).text)).toEqual(["b4AQID", "4x"]);
  });

  it("reads binary and base64 messages from the client", async () => {
    const srv = await startServer(impl, V3);
    const { sid } = await v3Handshake(srv);
    const socket = await srv.socket(sid);
    const got: unknown[] = [];
    socket.on("message", (data: unknown) => got.push(Buffer.isBuffer(data) ? [...data] : data));
    // A binary payload: text "4hi" (3 bytes), then binary message [9, 8].
    const body = Buffer.from([0, 3, 255, ...Buffer.from("4hi"), 1, 3, 255, 4, 9, 8]);
    expect((await post(srv, sid, body, "application/octet-stream")).text).toBe("ok");
    expect((await post(srv, sid, "6:b4AQID")).text).toBe("ok");
    expect(got).toEqual(["hi", [9, 8], [1, 2, 3]]);
  });

  it("closes with parse error on a malformed length", async () => {
    const srv = await startServer(impl, V3);
    const { sid } = await v3Handshake(srv);
    const closed = srv.closed(sid);
    await post(srv, sid, "9:4abc").catch(() => undefined);
    expect((await closed).reason).toBe("parse error");
  });

  it("refuses a v4 request for a v3 session (protocol mismatch)", async () => {
    const srv = await startServer(impl, V3);
    const { sid } = await v3Handshake(srv);
    const res = await request(srv.url(`EIO=4&transport=polling&sid=${sid}`));
    expectErrorBody(res, 400, 3, "Bad request");
  });

  it("speaks v3 over WebSocket: binary frames carry the type byte, text is unchanged", async () => {
    const srv = await startServer(impl, V3);
    const client = openWs(srv.wsUrl("EIO=3&transport=websocket"));
    const open = await client.nextText();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    const socket = await srv.socket(sid);
    const got: unknown[] = [];
    const both = new Promise<void>((resolve) => {
      socket.on("message", (data: unknown) => {
        got.push(Buffer.isBuffer(data) ? [...data] : data);
        if (got.length === 2) resolve();
      });
    });
    client.send("2");
    expect(await client.nextText()).toBe("3");
    client.send(Buffer.from([4, 7, 7]));
    client.send("4text");
    socket.send(Buffer.from([5, 6]));
    const frame = await client.next();
    expect(frame.binary).toBe(true);
    expect([...(frame.data as Buffer)]).toEqual([4, 5, 6]);
    await both;
    expect(got).toEqual([[7, 7], "text"]);
  });

  it("upgrades a v3 polling session to WebSocket", async () => {
    const srv = await startServer(impl, V3);
    const { sid } = await v3Handshake(srv);
    const socket = await srv.socket(sid);
    const client = openWs(srv.wsUrl(`EIO=3&transport=websocket&sid=${sid}`));
    await client.opened;
    client.send("2probe");
    expect(await client.nextText()).toBe("3probe");
    client.send("5");
    await new Promise((resolve) => socket.once("upgrade", resolve));
    expect(socket.transport.name).toBe("websocket");
    socket.send("over ws");
    expect(await client.nextText()).toBe("4over ws");
  });
});
