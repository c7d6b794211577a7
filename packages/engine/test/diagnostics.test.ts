// The engine's diagnostics channels, end to end: subscribe, run real sessions, check the messages.
import diagnostics from "node:diagnostics_channel";
import { afterEach, describe, expect, test } from "vitest";
import {
  DiagnosticsChannels,
  ParseError,
  type CloseMessage,
  type CloseReason,
  type HandshakeMessage,
  type PacketMessage,
  type Socket,
  type UpgradeMessage,
} from "../src/index.js";
import {
  cleanup,
  nextText,
  onCleanup,
  once,
  raw,
  rawHandshake,
  rawWebSocket,
  startServer,
  waitFor,
} from "./helpers.js";

afterEach(cleanup);

/** Subscribes to a channel until the end of the test; returns the messages seen. */
function listen<T>(name: string): T[] {
  const seen: T[] = [];
  const fn = (message: unknown) => seen.push(message as T);
  diagnostics.subscribe(name, fn);
  onCleanup(() => diagnostics.unsubscribe(name, fn));
  return seen;
}

/** The messages about one session (test files share the process-wide channels only with themselves). */
const of = <T extends { socket: Socket }>(messages: T[], socket: Socket) =>
  messages.filter((m) => m.socket === socket);

test("the channel names are exported", () => {
  expect(DiagnosticsChannels).toEqual({
    handshake: "switchboard:engine:handshake",
    packetIn: "switchboard:engine:packet:in",
    packetOut: "switchboard:engine:packet:out",
    upgrade: "switchboard:engine:upgrade",
    close: "switchboard:engine:close",
  });
});

describe("handshake", () => {
  test("one message per new session, with its transport, before the `connection` event", async () => {
    const handshakes = listen<HandshakeMessage>(DiagnosticsChannels.handshake);
    const server = await startServer();
    let seenAtConnection = -1;
    server.engine.on("connection", () => (seenAtConnection = handshakes.length));
    const polling = server.nextConnection();
    await rawHandshake(server);
    const pollingSocket = await polling;
    expect(seenAtConnection).toBe(1);
    const websocket = server.nextConnection();
    await nextText(await rawWebSocket(server, "EIO=4&transport=websocket"));
    const wsSocket = await websocket;
    expect(handshakes).toEqual([
      { socket: pollingSocket, transport: "polling" },
      { socket: wsSocket, transport: "websocket" },
    ]);
  });
});

describe("packet:in and packet:out", () => {
  test("polling: each packet with its type and byte length, never its payload", async () => {
    const packetsIn = listen<PacketMessage>(DiagnosticsChannels.packetIn);
    const packetsOut = listen<PacketMessage>(DiagnosticsChannels.packetOut);
    const server = await startServer();
    const connection = server.nextConnection();
    const handshake = await raw(server, "GET", "EIO=4&transport=polling");
    const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
    const socket = await connection;
    expect(of(packetsOut, socket)).toEqual([
      {
        socket,
        type: "open",
        byteLength: Buffer.byteLength(handshake.body),
        dataLength: Buffer.byteLength(handshake.body) - 1,
      },
    ]);

    const received = once(socket, "message");
    await raw(server, "POST", `EIO=4&transport=polling&sid=${sid}`, "4héllo\x1ebAQID\x1e6");
    await received;
    expect(of(packetsIn, socket)).toEqual([
      { socket, type: "message", byteLength: 7, dataLength: 6 }, // "4héllo": é is two bytes in UTF-8
      { socket, type: "message", byteLength: 5, dataLength: 3 }, // "bAQID", the base64 text as it travelled; 3 bytes decoded
      { socket, type: "noop", byteLength: 1, dataLength: 0 },
    ]);

    socket.send("abc");
    socket.send(Buffer.from([1, 2, 3, 4]));
    const poll = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(poll.body).toBe("4abc\x1ebAQIDBA==");
    expect(of(packetsOut, socket).slice(1)).toEqual([
      { socket, type: "message", byteLength: 4, dataLength: 3 },
      { socket, type: "message", byteLength: 9, dataLength: 4 }, // "bAQIDBA==" carries 4 bytes
    ]);
    for (const message of [...packetsIn, ...packetsOut])
      expect(Object.keys(message).sort()).toEqual(["byteLength", "dataLength", "socket", "type"]);
  });

  test("websocket: text and binary frames both ways, pings and pongs included", async () => {
    const packetsIn = listen<PacketMessage>(DiagnosticsChannels.packetIn);
    const packetsOut = listen<PacketMessage>(DiagnosticsChannels.packetOut);
    const server = await startServer({ pingInterval: 20, pingTimeout: 1000 });
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const socket = await connection;
    expect(await nextText(ws)).toBe("2"); // the first ping
    ws.send("3");
    await once(socket, "heartbeat");
    const texts = once(socket, "message");
    ws.send("4€");
    await texts;
    const bytes = once(socket, "message");
    ws.send(Buffer.from([9, 8, 7]));
    await bytes;
    expect(of(packetsIn, socket)).toEqual([
      { socket, type: "pong", byteLength: 1, dataLength: 0 },
      { socket, type: "message", byteLength: 4, dataLength: 3 }, // "4€"
      { socket, type: "message", byteLength: 3, dataLength: 3 }, // raw bytes, no base64 over WebSocket
    ]);
    socket.send(Buffer.from([1, 2, 3, 4, 5]));
    const out = () => of(packetsOut, socket);
    await waitFor(() => out().some((m) => m.type === "message"), "the binary message out");
    // Further pings may have gone out meanwhile (every 20 ms after a pong): compare the rest.
    expect(out()[1]).toEqual({ socket, type: "ping", byteLength: 1, dataLength: 0 });
    expect(out().filter((m) => m.type !== "ping")).toEqual([
      { socket, type: "open", byteLength: expect.any(Number), dataLength: expect.any(Number) },
      { socket, type: "message", byteLength: 5, dataLength: 5 },
    ]);
  });

  test("nothing is published once the subscriber left", async () => {
    const server = await startServer();
    const seen: unknown[] = [];
    const fn = (message: unknown) => seen.push(message);
    diagnostics.subscribe(DiagnosticsChannels.packetOut, fn);
    diagnostics.unsubscribe(DiagnosticsChannels.packetOut, fn);
    expect(diagnostics.channel(DiagnosticsChannels.packetOut).hasSubscribers).toBe(false);
    const connection = server.nextConnection();
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    (await connection).send("hello");
    expect(await nextText(ws)).toBe("4hello");
    expect(seen).toEqual([]);
  });
});

describe("upgrade", () => {
  test("one message when the session moves from polling to WebSocket, none for a cancelled probe", async () => {
    const upgrades = listen<UpgradeMessage>(DiagnosticsChannels.upgrade);
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const failed = await rawWebSocket(server, `EIO=4&transport=websocket&sid=${sid}`);
    failed.send("4not a probe");
    await once(failed, "close");
    expect(upgrades).toEqual([]);
    const ws = await rawWebSocket(server, `EIO=4&transport=websocket&sid=${sid}`);
    ws.send("2probe");
    expect(await nextText(ws)).toBe("3probe");
    const upgraded = once(socket, "upgrade");
    ws.send("5");
    await upgraded;
    expect(upgrades).toEqual([{ socket, from: "polling", to: "websocket" }]);
  });
});

describe("close", () => {
  test("the reason and its error, for a server close, a client close and a protocol error", async () => {
    const closes = listen<CloseMessage>(DiagnosticsChannels.close);
    const server = await startServer();

    let connection = server.nextConnection();
    let ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const forced = await connection;
    const forcedClosed = once<[CloseReason]>(forced, "close");
    forced.close();
    await forcedClosed;

    connection = server.nextConnection();
    ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const left = await connection;
    const leftClosed = once<[CloseReason]>(left, "close");
    ws.send("1");
    await leftClosed;

    connection = server.nextConnection();
    ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    await nextText(ws);
    const broken = await connection;
    const brokenClosed = once<[CloseReason]>(broken, "close");
    ws.send("9");
    await brokenClosed;

    expect(
      closes.map(({ socket, reason, description }) => ({ socket, reason, description })),
    ).toEqual([
      { socket: forced, reason: "forced close", description: undefined },
      { socket: left, reason: "transport close", description: undefined },
      { socket: broken, reason: "parse error", description: expect.any(ParseError) },
    ]);
  });
});
