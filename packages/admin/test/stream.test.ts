import { afterEach, describe, expect, it } from "vitest";
import { acquireStream } from "@switchboard/admin";
import { appClient, closeAll, onCleanup, startServer, until } from "./helpers.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import diagnostics from "node:diagnostics_channel";
import { DiagnosticsChannels } from "@switchboard/engine";
import { Server, ServerChannels } from "@switchboard/server";

afterEach(closeAll);

async function plainServer(): Promise<{ io: Server; url: string }> {
  const http = createServer();
  const io = new Server(http);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  onCleanup(async () => {
    const closed = io.close();
    await new Promise((r) => http.close(r));
    await closed;
  });
  return { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

describe("instrumentation stream", () => {
  it("subscribes to the diagnostics channels while acquired, and adds no listener to the server's objects", async () => {
    const { io, url } = await plainServer();
    const app = await appClient(url);
    const socket = io.sockets.sockets.get(app.id!)!;
    const conn = socket.conn;
    const listeners = (): number[] => [
      conn.listenerCount("packet") +
        conn.listenerCount("packetCreate") +
        conn.listenerCount("message") +
        conn.listenerCount("upgrade"),
      io.engine.listenerCount("connection"),
      io.sockets.listenerCount("connection"),
      io.sockets.adapter.listenerCount("join-room") +
        io.sockets.adapter.listenerCount("leave-room"),
      socket.listeners("disconnect").length,
    ];
    const before = listeners();
    const subscribed = (): boolean[] =>
      [...Object.values(DiagnosticsChannels), ...Object.values(ServerChannels)].map(
        (name) => diagnostics.channel(name).hasSubscribers,
      );
    expect(subscribed().some(Boolean)).toBe(false);

    const first = acquireStream(io);
    const second = acquireStream(io);
    expect(second.stream).toBe(first.stream);
    expect(subscribed().every(Boolean)).toBe(true);
    expect(listeners()).toEqual(before);
    const stop = first.stream.captureEvents();
    expect(socket.listenersAny()).toHaveLength(1); // development mode's event log: the socket's own catch-all API
    stop();
    expect(socket.listenersAny()).toHaveLength(0);

    first.release();
    expect(subscribed().every(Boolean)).toBe(true); // still held by `second`
    second.release();
    second.release(); // idempotent
    expect(subscribed().some(Boolean)).toBe(false);
  });

  it("keeps only its own server's messages when several servers share the process", async () => {
    const a = await plainServer();
    const b = await plainServer();
    const sa = acquireStream(a.io);
    const sb = acquireStream(b.io);
    onCleanup(sa.release);
    onCleanup(sb.release);
    const seen: string[] = [];
    sa.stream.on("connection", () => seen.push("a:connection"));
    sb.stream.on("connection", () => seen.push("b:connection"));
    sa.stream.on("broadcast", () => seen.push("a:broadcast"));
    sb.stream.on("broadcast", () => seen.push("b:broadcast"));
    await appClient(b.url);
    b.io.emit("news");
    expect(seen).toEqual(["b:connection", "b:broadcast"]);
    await until(() => sb.stream.totalTraffic().packetsOut >= 2, "b's packets out"); // connect reply, news
    expect(sa.stream.totalTraffic()).toEqual(
      expect.objectContaining({ packetsIn: 0, packetsOut: 0, eventsOut: 0 }),
    );
    expect(sb.stream.totalTraffic().eventsOut).toBe(1);
  });

  it("reports broadcasts with their local fan-out, and ack timeouts of sockets and broadcasts", async () => {
    const { io, url } = await startServer({ auth: false });
    const { stream, release } = acquireStream(io);
    onCleanup(release);
    const broadcasts: [string, number][] = [];
    const timeouts: [string, boolean][] = [];
    stream.on("broadcast", (nsp, n) => broadcasts.push([nsp, n]));
    stream.on("ack_timeout", (nsp, b) => timeouts.push([nsp, b]));
    const a = await appClient(url);
    await appClient(url);
    await appClient(url);
    await until(() => io.sockets.sockets.size === 3, "three sockets");
    await io.sockets.sockets.get(a.id!)!.join("solo");
    io.emit("all", 1);
    io.to("solo").emit("one", 2);
    io.to("nobody").emit("none", 3);
    expect(broadcasts.filter(([nsp]) => nsp === "/")).toEqual([
      ["/", 3],
      ["/", 1],
      ["/", 0],
    ]);
    io.sockets.sockets
      .get(a.id!)!
      .timeout(20)
      .emit("never-answered", () => {});
    io.timeout(20).emit("never-answered-either", () => {});
    await until(() => timeouts.length === 2, "two ack timeouts");
    expect(timeouts).toEqual(
      expect.arrayContaining([
        ["/", false],
        ["/", true],
      ]),
    );
    // the broadcast with an ack counted too, with its fan-out
    expect(broadcasts.filter(([nsp]) => nsp === "/").at(-1)).toEqual(["/", 3]);
  });

  it("emits `packet` while listened to, and keeps per-transport counters either way", async () => {
    const { io, url } = await startServer({ auth: false });
    io.on("connection", (socket) => socket.on("ping!", (ack: (v: string) => void) => ack("pong")));
    const { stream, release } = acquireStream(io);
    onCleanup(release);
    const app = await appClient(url);
    const before = { ...stream.traffic.get("websocket")! };
    const packets: [string, string, number][] = [];
    const off = stream.on("packet", (dir, transport, bytes) =>
      packets.push([dir, transport, bytes]),
    );
    expect(await app.emitWithAck("ping!")).toBe("pong");
    off();
    // in: 2<id>["ping!"] (an event); out: 3<id>["pong"] (an ack, not an event): the bytes of the Engine.IO
    // packet's data, as @socket.io/admin-ui counts them. The order of the two is not the point here.
    expect(packets).toHaveLength(2);
    expect(packets).toEqual(
      expect.arrayContaining([
        ["in", "websocket", '21["ping!"]'.length],
        ["out", "websocket", '31["pong"]'.length],
      ]),
    );
    const after = stream.traffic.get("websocket")!;
    expect(after.packetsIn - before.packetsIn).toBe(1);
    expect(after.eventsIn - before.eventsIn).toBe(1);
    expect(after.packetsOut - before.packetsOut).toBe(1);
    expect(after.eventsOut - before.eventsOut).toBe(0);
    expect(after.bytesOut - before.bytesOut).toBe('31["pong"]'.length);
    expect(await app.emitWithAck("ping!")).toBe("pong");
    expect(packets).toHaveLength(2); // no more events once unsubscribed
  });
});
