import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Socket } from "@switchboard/server";
import { connected, nextConnection, once, setup, type TestContext } from "./helpers.js";

/**
 * A raw client speaking Engine.IO + Socket.IO text over WebSocket (docs/protocol.md §2.7): it joins
 * `/` and then sends whatever the test wants.
 */
async function rawClient(port: number): Promise<{ ws: WebSocket; closed: Promise<unknown> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  const closed = once(ws, "close");
  await new Promise<void>((resolve, reject) => {
    ws.on("message", (data) => {
      const text = String(data);
      if (text.startsWith("0")) ws.send("40");
      else if (text.startsWith("40")) resolve();
      else if (text === "2") ws.send("3");
    });
    ws.on("error", reject);
  });
  return { ws, closed };
}

describe("bad input", () => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  // Decoder errors also emit `error` on the socket and close with `parse error` (issue 3); packets that
  // decode but are out of place close with `forced close`, as in socket.io 4.8.
  const cases: [string, string | (string | Buffer)[], string, boolean][] = [
    ["non-array EVENT", "42{}", "parse error", true],
    ["non-numeric ack id", '42abc["x"]', "parse error", true],
    ["unknown packet type", "4x", "parse error", true],
    ["invalid JSON", '42["x",', "parse error", true],
    ["reserved event name", '42["disconnect"]', "parse error", true],
    [
      "text while attachments are expected",
      ['451-["x",{"_placeholder":true,"num":0}]', '42["y"]'],
      "parse error",
      true,
    ],
    ["binary without header", [Buffer.from([1, 2, 3])], "parse error", true],
    ["event for an unjoined namespace", '42/other,["x"]', "forced close", false],
    ["second CONNECT for the same namespace", "40", "forced close", false],
    ["CONNECT_ERROR from the client", '44{"message":"x"}', "forced close", false],
  ];

  it.each(cases)(
    "%s closes that connection only",
    async (_name, input, expectedReason, decodeError) => {
      ctx = await setup();
      const errors: Error[] = [];
      // A well-behaved client that must keep working.
      const good = ctx.client("/", { transports: ["websocket"] });
      await connected(good);
      const badSide = nextConnection<Socket>(ctx.io);
      const { ws, closed } = await rawClient(ctx.port);
      const bad = await badSide;
      bad.on("error", (e) => errors.push(e));
      const reason = once<[string]>(bad, "disconnect");
      for (const chunk of Array.isArray(input) ? input : [input]) ws.send(chunk);
      expect((await reason)[0]).toBe(expectedReason);
      await closed;
      expect(errors.length).toBe(decodeError ? 1 : 0);
      // The other client is untouched.
      ctx.io.on("connection", () => {});
      ctx.io.sockets.sockets
        .get(good.id as string)
        ?.on("echo", (v: unknown, cb: (v: unknown) => void) => cb(v));
      expect(await good.emitWithAck("echo", 42)).toBe(42);
      expect(good.connected).toBe(true);
    },
  );

  it("too many attachments: 11 announced is refused", async () => {
    ctx = await setup();
    const badSide = nextConnection<Socket>(ctx.io);
    const { ws, closed } = await rawClient(ctx.port);
    const bad = await badSide;
    bad.on("error", () => {});
    const reason = once<[string]>(bad, "disconnect");
    ws.send('4511-["x"]');
    expect((await reason)[0]).toBe("parse error");
    await closed;
  });

  it("an exception in a connection handler does not crash the server", async () => {
    ctx = await setup();
    const original = console.error;
    const logged: unknown[] = [];
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      ctx.io.on("connection", () => {
        throw new Error("handler bug");
      });
      const first = ctx.client("/", { transports: ["websocket"] });
      await connected(first);
      const second = ctx.client("/", { transports: ["websocket"] });
      await connected(second);
      expect(ctx.io.sockets.sockets.size).toBe(2);
    } finally {
      console.error = original;
    }
    expect(logged.length).toBeGreaterThan(0);
  });

  it("an exception in an ack callback is reported, not thrown", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: ["websocket"] });
    client.on("ask", (cb: () => void) => cb());
    const socket = await serverSide;
    const error = once<[Error]>(socket, "error");
    socket.emit("ask", () => {
      throw new Error("ack bug");
    });
    expect((await error)[0].message).toBe("ack bug");
  });
});
