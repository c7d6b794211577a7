// Per-session memory work (issue #6): the request stand-in of WebSocket sessions, the handler hook
// of the Socket.IO layer, the lazily allocated listener table, and frames built by the transport.
import { EventEmitter } from "node:events";
import { IncomingMessage } from "node:http";
import { afterEach, describe, expect, test } from "vitest";
import * as wsModule from "ws";
import WebSocket from "ws";
import { preEncode, type CloseReason } from "../src/index.js";
import { textHeader } from "../src/transports/websocket.js";
import { joinHeaderShape, packHeaderShape, packHeaders, unpackHeaders } from "../src/request.js";
import {
  cleanup,
  connect,
  nextText,
  once,
  onCleanup,
  rawWebSocket,
  startServer,
  waitFor,
} from "./helpers.js";

afterEach(cleanup);

type FrameFn = (data: { length: number }, options: object) => Buffer[];

describe("request of a WebSocket session", () => {
  test("without middlewares: a stand-in with headers, url, method, _query and socket, kept once built", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket&foo=bar");
    await nextText(ws);
    const socket = await connection;
    const req = socket.request;
    expect(req).not.toBeInstanceOf(IncomingMessage);
    expect(req.url).toBe("/engine.io/?EIO=4&transport=websocket&foo=bar");
    expect(req.method).toBe("GET");
    expect(req.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(req.headers.upgrade).toBe("websocket");
    expect(req._query).toEqual({ EIO: "4", transport: "websocket", foo: "bar" });
    expect(req.socket.remoteAddress).toBe("127.0.0.1");
    expect(req.connection).toBe(req.socket);
    (req as unknown as { session: string }).session = "kept";
    expect(socket.request).toBe(req);
    expect((socket.request as unknown as { session: string }).session).toBe("kept");
    expect(socket.remoteAddress).toBe("127.0.0.1");
  });

  test("with a middleware: the IncomingMessage itself, with what the middleware stored", async () => {
    const server = await startServer();
    server.engine.use((req, _res, next) => {
      (req as unknown as { user: string }).user = "alice";
      next();
    });
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    expect(socket.request).toBeInstanceOf(IncomingMessage);
    expect((socket.request as unknown as { user: string }).user).toBe("alice");
  });

  test("headers pack into one string and unpack to the same object (set-cookie stays an array)", () => {
    const headers = {
      host: "h:1",
      cookie: "a=1; b=2",
      "set-cookie": ["x=1", "y=2"],
      "x-list": "1, 2",
    };
    const packed = packHeaders(headers);
    expect(typeof packed).toBe("string");
    expect(unpackHeaders(packed)).toEqual(headers);
    expect(unpackHeaders(packHeaders({}))).toEqual({});
  });

  test("the URL and header names split from the values round-trip, and like sessions share the shape", async () => {
    const headers = { host: "h:1", empty: "", "set-cookie": ["x=1", "y=2"], "x-key": "k1" };
    const { shape, values } = packHeaderShape("/e/?a=1", headers);
    expect(shape).toBe("/e/?a=1\nhost\nempty\nset-cookie\nset-cookie\nx-key");
    const joined = joinHeaderShape(shape, values);
    expect(joined.url).toBe("/e/?a=1");
    expect(unpackHeaders(joined.packed)).toEqual(headers);
    const none = packHeaderShape("/", {});
    expect(unpackHeaders(joinHeaderShape(none.shape, none.values).packed)).toEqual({});

    const server = await startServer();
    const first = server.nextConnection();
    await nextText(await rawWebSocket(server, "EIO=4&transport=websocket"));
    const a = await first;
    const second = server.nextConnection();
    await nextText(await rawWebSocket(server, "EIO=4&transport=websocket"));
    const b = await second;
    // distinct sessions, each with its own sec-websocket-key, rebuilt from the shared shape
    expect(a.request.url).toBe(b.request.url);
    expect(a.request.headers["sec-websocket-key"]).not.toBe(b.request.headers["sec-websocket-key"]);
    expect(a.request.headers.host).toBe(`127.0.0.1:${server.port}`);
  });
});

describe("setHandler", () => {
  test("gets messages and the close before the listeners, and the session stays an EventEmitter", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    expect(socket).toBeInstanceOf(EventEmitter);
    expect(socket.listenerCount("message")).toBe(0);
    const log: string[] = [];
    socket.setHandler({
      onMessage: (data) => log.push(`handler ${String(data)}`),
      onClose: (reason: CloseReason) => log.push(`handler close ${reason}`),
    });
    socket.on("message", (data) => log.push(`listener ${String(data)}`));
    socket.once("close", (reason) => log.push(`listener close ${reason}`));
    ws.send("4hello");
    await waitFor(() => log.length === 2, "message");
    ws.close();
    await waitFor(() => log.length === 4, "close");
    expect(log).toEqual([
      "handler hello",
      "listener hello",
      "handler close transport close",
      "listener close transport close",
    ]);
  });
});

describe("frames built by the WebSocket transport", () => {
  test("a flush of mixed packets arrives complete and in order (small, UTF-8, large binary, pre-encoded)", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine.io/?EIO=4&transport=websocket`);
    onCleanup(() => ws.terminate());
    const frames: Array<string | Buffer> = [];
    ws.on("message", (data, isBinary) => frames.push(isBinary ? (data as Buffer) : String(data)));
    await once(ws, "open");
    const socket = await connection;
    const big = Buffer.alloc(70_000, 3);
    const medium = Buffer.alloc(300, 9);
    const shared = preEncode(Buffer.alloc(20_000, 5));
    socket.send("a");
    socket.send("é".repeat(100));
    socket.send(big);
    socket.send(medium);
    socket.send(shared);
    socket.send(preEncode("z".repeat(200)));
    socket.send("last");
    await waitFor(() => frames.length === 8, "frames");
    expect(String(frames[0]).startsWith("0{")).toBe(true);
    expect(frames.slice(1, 3)).toEqual(["4a", "4" + "é".repeat(100)]);
    expect((frames[3] as Buffer).equals(big)).toBe(true);
    expect((frames[4] as Buffer).equals(medium)).toBe(true);
    expect((frames[5] as Buffer).equals(shared.data as Buffer)).toBe(true);
    expect(frames.slice(6)).toEqual(["4" + "z".repeat(200), "4last"]);
  });

  test("a text packet alone in its flush, at every header size, ASCII or not, arrives as sent", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine.io/?EIO=4&transport=websocket`);
    onCleanup(() => ws.terminate());
    const frames: string[] = [];
    ws.on("message", (data, isBinary) => frames.push(isBinary ? "binary!" : String(data)));
    await once(ws, "open");
    const socket = await connection;
    await waitFor(() => frames.length === 1, "open packet");
    // Packet + "4" prefix: 0, 124, 125, 126 and 65_535, 65_536 bytes of payload cross both length boundaries.
    const sent = [0, 123, 124, 125, 65_534, 65_535, 70_000].map((n) => "y".repeat(n));
    sent.push("é".repeat(10), "ascii then é", "é".repeat(40_000));
    for (const text of sent) {
      socket.send(text);
      // One per flush: the single-packet path, not the batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => frames.length === 1 + sent.length, "frames");
    expect(frames.slice(1)).toEqual(sent.map((text) => "4" + text));
  });

  test("text frame headers are the bytes ws's Sender.frame writes", () => {
    const senderFrame = (wsModule as unknown as { Sender: { frame: FrameFn } }).Sender.frame;
    for (const n of [0, 1, 125, 126, 127, 65_535, 65_536, 2 ** 32 + 5]) {
      const header = senderFrame(
        { length: n },
        { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false },
      )[0]!;
      expect(Buffer.from(textHeader(n), "latin1").equals(header), `length ${n}`).toBe(true);
    }
  });

  test("official client over WebSocket: packets of one tick and across ticks", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const client = await connect(server, { transports: ["websocket"] });
    const socket = await connection;
    const got: unknown[] = [];
    client.on("message", (data) => got.push(data));
    for (let i = 0; i < 5; i++) socket.send(`m${i}`);
    await waitFor(() => got.length === 5, "first batch");
    socket.send(Buffer.from([1, 2]));
    await waitFor(() => got.length === 6, "binary");
    expect(got.slice(0, 5)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect([...(got[5] as Uint8Array)]).toEqual([1, 2]);
  });
});
