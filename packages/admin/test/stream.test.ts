import { afterEach, describe, expect, it } from "vitest";
import { acquireStream } from "@switchboard/admin";
import { appClient, closeAll, onCleanup, startServer, until } from "./helpers.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@switchboard/server";

afterEach(closeAll);

async function plainServer(): Promise<{ io: Server; url: string }> {
  const http = createServer();
  const io = new Server(http);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  onCleanup(async () => {
    io.close();
    await new Promise((r) => http.close(r));
  });
  return { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

describe("instrumentation stream", () => {
  it("hooks nothing until acquired, and unhooks everything on the last release", async () => {
    const { io, url } = await plainServer();
    const app = await appClient(url);
    const socket = io.sockets.sockets.get(app.id!)!;
    const conn = socket.conn;
    const adapter = io.sockets.adapter as unknown as Record<string, unknown>;
    const baseline = {
      packet: conn.listenerCount("packet") + conn.listenerCount("message"),
      packetCreate: conn.listenerCount("packetCreate"),
      engine: io.engine.listenerCount("connection"),
      newNsp: io.sockets.listenerCount("new_namespace"),
      joins: io.sockets.adapter.listenerCount("join-room"),
      disconnect: socket.listeners("disconnect").length,
    };
    expect(baseline.packet + baseline.packetCreate).toBe(0);
    expect(Object.prototype.hasOwnProperty.call(adapter, "broadcast")).toBe(false);

    const first = acquireStream(io);
    const second = acquireStream(io);
    expect(second.stream).toBe(first.stream);
    expect(conn.listenerCount("message")).toBe(0); // connections opened before are not hooked at the engine level
    expect(io.engine.listenerCount("connection")).toBe(baseline.engine + 1);
    expect(io.sockets.adapter.listenerCount("join-room")).toBe(baseline.joins + 1);
    expect(socket.listeners("disconnect").length).toBe(baseline.disconnect + 1);
    expect(Object.prototype.hasOwnProperty.call(adapter, "broadcast")).toBe(true);
    const later = await appClient(url);
    const laterConn = io.sockets.sockets.get(later.id!)!.conn;
    expect(laterConn.listenerCount("message")).toBe(1);
    expect(laterConn.listenerCount("packet")).toBe(0);
    expect(Object.prototype.hasOwnProperty.call(laterConn, "send")).toBe(true); // outgoing traffic is counted in a wrapper
    const unsubscribe = first.stream.captureEvents();
    expect(socket.listenersAny()).toHaveLength(1);
    unsubscribe();
    expect(socket.listenersAny()).toHaveLength(0);

    first.release();
    expect(io.engine.listenerCount("connection")).toBe(baseline.engine + 1); // still held by `second`
    second.release();
    second.release(); // idempotent
    expect(io.engine.listenerCount("connection")).toBe(baseline.engine);
    expect(io.sockets.listenerCount("new_namespace")).toBe(baseline.newNsp);
    expect(io.sockets.adapter.listenerCount("join-room")).toBe(baseline.joins);
    expect(socket.listeners("disconnect").length).toBe(baseline.disconnect);
    expect(laterConn.listenerCount("message") + laterConn.listenerCount("packet") + laterConn.listenerCount("packetCreate")).toBe(0);
    expect(Object.prototype.hasOwnProperty.call(laterConn, "send")).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(adapter, "broadcast")).toBe(false);
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
    io.sockets.sockets.get(a.id!)!.timeout(20).emit("never-answered", () => {});
    io.timeout(20).emit("never-answered-either", () => {});
    await until(() => timeouts.length === 2, "two ack timeouts");
    expect(timeouts).toEqual(expect.arrayContaining([["/", false], ["/", true]]));
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
    const packets: [string, string, number, boolean][] = [];
    const off = stream.on("packet", (dir, transport, bytes, event) => packets.push([dir, transport, bytes, event]));
    expect(await app.emitWithAck("ping!")).toBe("pong");
    off();
    // in: 2<id>["ping!"] (an event); out: 3<id>["pong"] (an ack, not an event). The engine reports the
    // message after the server handled it, so the answer may be counted first.
    expect(packets).toHaveLength(2);
    expect(packets).toEqual(expect.arrayContaining([
      ["in", "websocket", '21["ping!"]'.length, true],
      ["out", "websocket", '31["pong"]'.length, false],
    ]));
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
