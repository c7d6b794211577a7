// instrument() observes through diagnostics channels and public listener APIs only: it never replaces a
// method of the server's objects (ARCHITECTURE.md, "No method wrapping"), nor the user's `socket.data`.
import { afterEach, describe, expect, it } from "vitest";
import { Socket as EngineSocket } from "@switchboard/engine";
import { Namespace, Server, Socket } from "@switchboard/server";
import { adminClient, appClient, closeAll, startServer, until } from "./helpers.js";

afterEach(closeAll);

/** The own properties of `obj` that hold functions (where a wrapper would be installed). */
function ownFunctions(obj: object): string[] {
  return Object.getOwnPropertyNames(obj).filter(
    (k) => typeof Object.getOwnPropertyDescriptor(obj, k)?.value === "function",
  );
}

describe("no method wrapping", () => {
  it("leaves conn.send, socket.emit, adapter.broadcast and the rest as their prototypes define them", async () => {
    const { io, url } = await startServer({
      auth: false,
      mode: "development",
      metrics: true,
      dashboard: { path: "/dash" },
    });
    io.on("connection", (socket) => {
      socket.data = { user: "ann" };
      socket.on("ask", (cb: (v: string) => void) => cb("ok"));
    });
    const rec = await adminClient(url, undefined); // development mode captures events while an admin is here
    await rec.wait("config");
    const app = await appClient(url, { transports: ["polling", "websocket"] });
    await until(
      () => io.sockets.sockets.get(app.id!)?.conn.transport.name === "websocket",
      "the upgrade",
    );
    expect(await app.emitWithAck("ask")).toBe("ok");
    io.emit("news", 1);
    await io
      .timeout(100)
      .emitWithAck("ask-back")
      .catch(() => undefined); // a broadcast with acks (nobody answers)
    const socket = io.sockets.sockets.get(app.id!)!;
    const data = socket.data as object;
    const adapter = io.sockets.adapter;
    const adapterProto = Object.getPrototypeOf(adapter) as Record<string, unknown>;

    expect(socket.conn.send).toBe(EngineSocket.prototype.send);
    expect(socket.conn.write).toBe(EngineSocket.prototype.write);
    expect(socket.emit).toBe(Socket.prototype.emit);
    expect(socket.join).toBe(Socket.prototype.join);
    expect(adapter.broadcast).toBe(adapterProto.broadcast);
    expect(adapter.broadcastWithAck).toBe(adapterProto.broadcastWithAck);
    expect(adapter.addAll).toBe(adapterProto.addAll);
    expect(io.sockets.emit).toBe(Namespace.prototype.emit);
    expect(io.emit).toBe(Server.prototype.emit);
    for (const obj of [socket.conn, socket, adapter, io.sockets, io, io.engine, socket.client])
      expect(ownFunctions(obj)).toEqual([]);
    // the user's object itself, not a Proxy in its place (the official server installs one)
    expect(socket.data).toBe(data);
    expect(socket.data).toEqual({ user: "ann" });
  });
});
