// The msgpack parser end to end (issues #13, #20; docs/protocol.md §2.10): every client × server pairing of
// {official socket.io-client + socket.io-msgpack-parser, @switchboard/client + @switchboard/parser/msgpack} ×
// {official socket.io + socket.io-msgpack-parser, @switchboard/server + @switchboard/parser/msgpack}, over
// websocket and polling: events with nested binary both ways, acks both ways. The official pairing proves the
// scenario right. Also the served `socket.io.msgpack.min.js` and its map.
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { Server as ReferenceServer } from "socket.io";
import { io as officialIo } from "socket.io-client";
import { io as ourIo } from "@switchboard/client";
import { Server as OurServer } from "@switchboard/server";
import * as ourMsgpack from "@switchboard/parser/msgpack";
import { cleanup, once, startServer, waitConnect, withTimeout } from "./helpers.js";
import { transportSettings, type ServerCtor } from "./impls.js";

afterEach(cleanup.run);

const theirMsgpack: unknown = createRequire(import.meta.url)("socket.io-msgpack-parser");

const servers = [
  { name: "socket.io + socket.io-msgpack-parser", Server: ReferenceServer, parser: theirMsgpack },
  {
    name: "@switchboard/server + parser/msgpack",
    Server: OurServer as unknown as ServerCtor,
    parser: ourMsgpack,
  },
];

interface AnyClient {
  id: string | undefined;
  connected: boolean;
  emit(event: string, ...args: unknown[]): unknown;
  on(event: string, fn: (...args: any[]) => void): unknown;
  once(event: string, fn: (...args: any[]) => void): unknown;
  disconnect(): unknown;
}
const clients = [
  {
    name: "socket.io-client + socket.io-msgpack-parser",
    connect: (url: string, transports: ("polling" | "websocket")[]): AnyClient =>
      officialIo(url, {
        forceNew: true,
        reconnection: false,
        transports,
        parser: theirMsgpack,
      }) as AnyClient,
  },
  {
    name: "@switchboard/client + parser/msgpack",
    connect: (url: string, transports: ("polling" | "websocket")[]): AnyClient =>
      ourIo(url, {
        forceNew: true,
        reconnection: false,
        transports,
        parser: ourMsgpack,
      }) as unknown as AnyClient,
  },
];

const bytesOf = (v: unknown): number[] => {
  if (v instanceof ArrayBuffer) return [...new Uint8Array(v)];
  if (ArrayBuffer.isView(v)) return [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)];
  throw new Error(`not binary: ${Object.prototype.toString.call(v)}`);
};

const settings = transportSettings.filter((s) => s.transports !== undefined);

describe.each(servers)("server: $name", ({ Server, parser }) => {
  describe.each(clients)("client: $name", (client) => {
    it.each(settings)(
      "events, nested binary and acks both ways ($label)",
      async ({ transports }) => {
        const started = await startServer(Server, { parser });
        const serverSocket = new Promise<any>((resolve) => started.io.on("connection", resolve));
        const socket = client.connect(started.url, transports!);
        cleanup.add(() => socket.disconnect());
        await waitConnect(socket as never);
        const peer = await withTimeout(serverSocket, 3000, "server connection");

        // client → server, with an ack carrying binary back
        peer.on(
          "upload",
          (
            name: string,
            payload: { file: unknown; tags: string[] },
            ack: (...a: unknown[]) => void,
          ) => {
            ack(
              { name, size: bytesOf(payload.file).length, tags: payload.tags },
              Buffer.from([9, 8, 7]),
            );
          },
        );
        const answer = await withTimeout(
          new Promise<unknown[]>((resolve) =>
            socket.emit(
              "upload",
              "a.bin",
              { file: new Uint8Array([1, 2, 3, 255]), tags: ["x", "é"] },
              (...a: unknown[]) => resolve(a),
            ),
          ),
          3000,
          "client ack",
        );
        expect(answer[0]).toEqual({ name: "a.bin", size: 4, tags: ["x", "é"] });
        expect(bytesOf(answer[1])).toEqual([9, 8, 7]);

        // server → client, with an ack
        socket.on("ping-me", (n: number, nested: { deep: unknown[] }, ack: (v: unknown) => void) =>
          ack({ n: n + 1, got: bytesOf(nested.deep[1]) }),
        );
        const reply = await withTimeout(
          new Promise<unknown>((resolve) =>
            peer.emit("ping-me", 41, { deep: ["k", Buffer.from([0, 128])] }, resolve),
          ),
          3000,
          "server ack",
        );
        expect(reply).toEqual({ n: 42, got: [0, 128] });

        // a plain event, no ack
        const got = once(socket, "note");
        peer.emit("note", "hello", null, 1.5);
        expect(await got).toEqual(["hello", null, 1.5]);
      },
    );
  });
});

describe("serving socket.io.msgpack.min.js", () => {
  it.each([
    ["socket.io.msgpack.min.js", "application/javascript; charset=utf-8"],
    ["socket.io.msgpack.min.js.map", "application/json; charset=utf-8"],
  ])("GET /socket.io/%s: 200 with %s", async (file, type) => {
    const started = await startServer(OurServer as unknown as ServerCtor);
    const res = await fetch(`${started.url}/socket.io/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    const body = await res.text();
    if (file.endsWith(".map")) {
      const map = JSON.parse(body) as { sources: string[] };
      expect(map.sources.some((s) => s.endsWith("parser/src/msgpack/parser.ts"))).toBe(true);
    } else {
      // The msgpack parser replaced the text one: no attachment placeholders in the file.
      expect(body).toContain("ERR_SB_MSGPACK_DECODE");
      expect(body).not.toContain("_placeholder");
    }
  });
});
