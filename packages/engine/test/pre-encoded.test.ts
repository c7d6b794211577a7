import { afterEach, describe, expect, test } from "vitest";
import { PreEncodedPacket, preEncode } from "../src/index.js";
import { cleanup, collect, connect, nextText, rawWebSocket, startServer } from "./helpers.js";

afterEach(cleanup);

describe("PreEncodedPacket", () => {
  test("text: polling form `4<text>` and an unmasked text frame, each built once", () => {
    const p = preEncode("hello");
    expect(p).toBeInstanceOf(PreEncodedPacket);
    expect(p.binary).toBe(false);
    expect(p.pollingText).toBe("4hello");
    const frame = Buffer.concat(p.wsFrame!);
    expect([...frame]).toEqual([0x81, 6, ...Buffer.from("4hello")]);
    expect(p.wsFrame).toBe(p.wsFrame);
    expect(p.pollingText).toBe(p.pollingText);
  });

  test("binary: polling form `b<base64>` and a binary frame without prefix", () => {
    const data = Buffer.alloc(200, 7);
    const p = preEncode(data);
    expect(p.binary).toBe(true);
    expect(p.pollingText).toBe("b" + data.toString("base64"));
    const frame = Buffer.concat(p.wsFrame!);
    expect([...frame.subarray(0, 4)]).toEqual([0x82, 126, 0, 200]);
    expect(frame.subarray(4).equals(data)).toBe(true);
  });

  test("large payloads use the 64-bit length form; UTF-8 length counts bytes", () => {
    const big = preEncode(Buffer.alloc(70000));
    expect([...Buffer.concat(big.wsFrame!).subarray(0, 10)]).toEqual([
      0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70,
    ]);
    const utf = preEncode("é".repeat(100)); // 1 + 200 bytes
    expect([...Buffer.concat(utf.wsFrame!).subarray(0, 4)]).toEqual([0x81, 126, 0, 201]);
  });

  test("accepts ArrayBuffer and typed-array views without copying semantics changes", () => {
    const u8 = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
    expect([...(preEncode(u8).data as Buffer)]).toEqual([1, 2, 3]);
    expect([...(preEncode(new Uint8Array([4, 5]).buffer).data as Buffer)]).toEqual([4, 5]);
    expect(() => preEncode(42 as never)).toThrow(TypeError);
  });

  test("a raw peer receives exactly the pre-built frame", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    socket.send(preEncode("fast path"));
    expect(await nextText(ws)).toBe("4fast path");
  });

  test("falls back to ws framing when permessage-deflate is negotiated", async () => {
    const server = await startServer({ perMessageDeflate: { threshold: 0 } });
    const connection = server.nextConnection();
    const client = await connect(server, {
      transports: ["websocket"],
      perMessageDeflate: { threshold: 0 },
    });
    const socket = await connection;
    expect((client.transport as unknown as { ws: { extensions: string } }).ws.extensions).toContain(
      "permessage-deflate",
    );
    const received = collect<unknown>(client as never, "message", 3);
    const text = preEncode("x".repeat(2000));
    socket.send(text);
    socket.send(text, { compress: false });
    socket.send(preEncode(Buffer.from([1, 2, 3])));
    const got = await received;
    expect(got[0]).toBe("x".repeat(2000));
    expect(got[1]).toBe("x".repeat(2000));
    expect([...(got[2] as Buffer)]).toEqual([1, 2, 3]);
  });
});
