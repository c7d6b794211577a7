// Seeded garbage from a raw server: the client never throws, and every connection either survives or closes
// with `parse error` (docs/protocol.md §2.7, client side), unless the garbage happens to be a valid packet.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { io, type Socket } from "@switchboard/client";

const OPEN = `0${JSON.stringify({ sid: "s1", upgrades: [], pingInterval: 10_000, pingTimeout: 10_000, maxPayload: 1e6 })}`;
const PIECES = [
  "4",
  "2",
  "0",
  "1",
  "3",
  "5",
  "6",
  "9",
  "-",
  "/",
  ",",
  "[",
  "]",
  "{",
  "}",
  '"',
  "1-",
  "/nsp,",
  "42",
  '["ev"',
  ",1]",
  "null",
  '{"_placeholder":true,"num":0}',
  "451-",
  "\u00e9",
  "\x1e",
];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("client fuzzing", () => {
  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      c.io.reconnection(false);
      c.disconnect();
    }
    for (const ws of wss?.clients ?? []) ws.terminate();
    wss?.close();
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http = undefined;
  });

  it("survives or closes with parse error on 40 seeded garbage streams", async () => {
    const rand = prng(42);
    const streams: Array<Array<string | Buffer>> = [];
    for (let i = 0; i < 40; i++) {
      const frames: Array<string | Buffer> = [];
      const count = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < count; f++) {
        const r = rand();
        if (r < 0.4) {
          frames.push(`42["ev",${Math.floor(rand() * 100)}]`); // valid, to mix survivors in
        } else if (r < 0.55) {
          frames.push(
            Buffer.from(
              Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * 256)),
            ),
          );
        } else {
          let s = "4";
          const n = 1 + Math.floor(rand() * 6);
          for (let k = 0; k < n; k++) s += PIECES[Math.floor(rand() * PIECES.length)];
          frames.push(s);
        }
      }
      streams.push(frames);
    }
    http = createServer();
    wss = new WebSocketServer({ server: http });
    let conn = 0;
    wss.on("connection", (ws) => {
      const frames = streams[conn++] ?? [];
      ws.send(OPEN);
      ws.on("message", (data) => {
        if (!String(data).startsWith("40")) return;
        ws.send('40{"sid":"abc"}');
        for (const f of frames) ws.send(f);
        ws.send('42["end"]');
      });
    });
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const outcomes: string[] = [];
    for (let i = 0; i < streams.length; i++) {
      const socket = io(url, { forceNew: true, transports: ["websocket"], reconnection: false });
      clients.push(socket);
      socket.onAny(() => {}); // user code sees whatever decodes
      outcomes.push(
        await new Promise<string>((resolve) => {
          socket.on("end", () => resolve("survived"));
          socket.on("disconnect", (reason) => resolve(reason));
          socket.on("connect_error", (err) => resolve(`connect_error ${err.message}`));
        }),
      );
      socket.disconnect();
    }
    // Valid packets hidden in the garbage may legitimately disconnect (`41`) or refuse (`44{...}`) the namespace.
    for (const o of outcomes)
      expect(o).toMatch(/^(survived|parse error|io server disconnect|connect_error .*)$/);
    expect(outcomes).toContain("parse error");
    expect(outcomes).toContain("survived");
  });
});
