import { afterEach, describe, expect, it } from "vitest";
import { type SerializedSocket, type ServerStats } from "@switchboard/admin";
import { Feature, REDACTED } from "@switchboard/admin/internal";
import { adminClient, appClient, closeAll, startServer, until } from "./helpers.js";

afterEach(closeAll);

describe("admin namespace, development mode", () => {
  it("announces every feature, then lists existing sockets in all_sockets", async () => {
    const { url, io } = await startServer({ auth: false, mode: "development" });
    io.on("connection", (s) => void s.join("lobby"));
    const app = await appClient(url);
    await until(() => io.sockets.sockets.size === 1, "app socket");
    const rec = await adminClient(url, undefined);
    const [config] = await rec.wait("config");
    expect(config.supportedFeatures).toEqual([
      Feature.EMIT,
      Feature.JOIN,
      Feature.LEAVE,
      Feature.DISCONNECT,
      Feature.MJOIN,
      Feature.MLEAVE,
      Feature.MDISCONNECT,
      Feature.AGGREGATED_EVENTS,
      Feature.ALL_EVENTS,
    ]);
    expect(config.mode).toBe("development");
    const [sockets] = (await rec.wait("all_sockets")) as [SerializedSocket[]];
    const mine = sockets.find((s) => s.id === app.id);
    expect(mine).toMatchObject({
      nsp: "/",
      transport: "websocket",
      rooms: expect.arrayContaining([app.id, "lobby"]),
    });
    expect(mine?.clientId).toHaveLength(12);
    // the admin socket itself is listed too, as the official server does
    expect(sockets.some((s) => s.nsp === "/admin")).toBe(true);
  });

  it("streams socket_connected, room_joined/left, events both ways and socket_disconnected", async () => {
    const { url, io } = await startServer({ auth: false, mode: "development" });
    io.on("connection", (socket) => {
      socket.on("hello", (n: number, ack: (v: number) => void) => {
        void socket.join("room-a");
        socket.emit("welcome", n + 1);
        ack(n * 2);
      });
      socket.on("bye", () => void socket.leave("room-a"));
    });
    const rec = await adminClient(url, undefined);
    await rec.wait("config");
    const app = await appClient(url);
    const [connected, at] = await rec.wait(
      "socket_connected",
      (s: SerializedSocket) => s.id === app.id,
    );
    expect(connected).toMatchObject({ id: app.id, nsp: "/", transport: "websocket" });
    expect(new Date(at).getTime()).toBeGreaterThan(0);
    expect(await app.emitWithAck("hello", 20)).toBe(40);
    await rec.wait(
      "room_joined",
      (nsp, room, id) => nsp === "/" && room === "room-a" && id === app.id,
    );
    const [, , args] = await rec.wait("event_received", (nsp, id) => nsp === "/" && id === app.id);
    expect(args).toEqual(["hello", 20]); // the ack callback is not part of the event
    const [, , sent] = await rec.wait("event_sent", (nsp, id) => id === app.id);
    expect(sent).toEqual(["welcome", 21]);
    app.emit("bye");
    await rec.wait("room_left", (nsp, room, id) => room === "room-a" && id === app.id);
    const appId = app.id;
    app.disconnect();
    const [nsp, id, reason] = await rec.wait("socket_disconnected", (_n, id) => id === appId);
    expect([nsp, id, reason]).toEqual(["/", appId, "client namespace disconnect"]);
  });

  it("reports the transport upgrade with socket_updated", async () => {
    const { url } = await startServer({ auth: false, mode: "development" });
    const rec = await adminClient(url, undefined);
    await rec.wait("config");
    const app = await appClient(url, { transports: ["polling", "websocket"] });
    const [first] = await rec.wait("socket_connected", (s: SerializedSocket) => s.id === app.id);
    expect(first.transport).toBe("polling");
    const [update] = await rec.wait("socket_updated", (u) => u.id === app.id);
    expect(update).toEqual({ id: app.id, nsp: "/", transport: "websocket" });
  });

  it("reports socket.data changes with socket_updated, on the stats period, redacted", async () => {
    const { url, io } = await startServer({ auth: false, mode: "development", statsInterval: 50 });
    io.use((socket, next) => {
      socket.data = { step: 0 }; // set in a middleware, as apps do
      next();
    });
    const rec = await adminClient(url, undefined);
    await rec.wait("config");
    const app = await appClient(url);
    const [connected] = await rec.wait(
      "socket_connected",
      (s: SerializedSocket) => s.id === app.id,
    );
    expect(connected.data).toEqual({ step: 0 });
    const socket = io.sockets.sockets.get(app.id!)!;
    socket.data.step = 1;
    socket.data.token = "secret";
    const [update] = await rec.wait(
      "socket_updated",
      (u) => u.id === app.id && u.data !== undefined,
    );
    expect(update).toEqual({ id: app.id, nsp: "/", data: { step: 1, token: REDACTED } });
    (socket.data as { profile?: object }).profile = { name: "ann" };
    const [nested] = await rec.wait(
      "socket_updated",
      (u) => u.id === app.id && u.data?.profile !== undefined,
    );
    expect(nested.data).toEqual({ step: 1, token: REDACTED, profile: { name: "ann" } });
    // one update per change: nothing more while data stays the same
    const count = rec
      .all("socket_updated")
      .filter(([u]) => u.id === app.id && u.data !== undefined).length;
    const stats = rec.all("server_stats").length;
    await until(() => rec.all("server_stats").length >= stats + 3, "three more stats periods");
    expect(
      rec.all("socket_updated").filter(([u]) => u.id === app.id && u.data !== undefined),
    ).toHaveLength(count);
  });

  it("never shows auth, passwords, tokens or cookies from handshakes", async () => {
    const { url } = await startServer({ auth: false, mode: "development" });
    const rec = await adminClient(url, undefined);
    await rec.wait("config");
    const app = await appClient(url, {
      auth: { token: "top-secret-auth" },
      query: { access_token: "top-secret-query", room: "public" },
      extraHeaders: {
        Authorization: "Bearer top-secret-header",
        Cookie: "sid=top-secret-cookie",
        "X-Api-Key": "top-secret-key",
      },
    });
    const [s] = (await rec.wait("socket_connected", (s: SerializedSocket) => s.id === app.id)) as [
      SerializedSocket,
    ];
    const text = JSON.stringify(s);
    expect(text).not.toContain("top-secret");
    expect(s.handshake).not.toHaveProperty("auth");
    expect(s.handshake.headers.authorization).toBe(REDACTED);
    expect(s.handshake.headers.cookie).toBe(REDACTED);
    expect(s.handshake.headers["x-api-key"]).toBe(REDACTED);
    expect(s.handshake.query.access_token).toBe(REDACTED);
    expect(s.handshake.query.room).toBe("public");
    expect(s.handshake.url).toContain("room=public");
    // the event log redacts sensitive keys of event arguments too
    app.emit("login", { user: "ann", password: "top-secret-login" });
    const [, , args] = await rec.wait("event_received", (_nsp, id) => id === app.id);
    expect(args).toEqual(["login", { user: "ann", password: REDACTED }]);
  });

  it("redacts sensitive keys of socket.data, keeps the rest", async () => {
    const { url, io } = await startServer({ auth: false, mode: "development" });
    io.use((socket, next) => {
      socket.data = {
        user: "ann",
        password: "top-secret-pw",
        profile: { apiKey: "top-secret-k", age: 3 },
      };
      next();
    });
    const app = await appClient(url);
    const rec = await adminClient(url, undefined);
    const [sockets] = (await rec.wait("all_sockets")) as [SerializedSocket[]];
    const s = sockets.find((x) => x.id === app.id);
    expect(s?.data).toEqual({
      user: "ann",
      password: REDACTED,
      profile: { apiKey: REDACTED, age: 3 },
    });
  });
});

describe("development mode cost", () => {
  it("captures events only while an admin socket listens (single-node adapter)", async () => {
    const { url, io } = await startServer({ auth: false, mode: "development" });
    const app = await appClient(url);
    const socket = io.sockets.sockets.get(app.id!)!;
    expect(socket.listenersAny()).toHaveLength(0);
    const rec = await adminClient(url, undefined);
    await rec.wait("config");
    expect(socket.listenersAny()).toHaveLength(1);
    expect(socket.listenersAnyOutgoing()).toHaveLength(1);
    rec.socket.disconnect();
    await until(() => socket.listenersAny().length === 0, "capture off");
    expect(socket.listenersAnyOutgoing()).toHaveLength(0);
  });
});

describe("admin namespace, production mode", () => {
  it("keeps it lean: no socket list, no event log, counters only", async () => {
    const { url, io } = await startServer({ auth: false, mode: "production", statsInterval: 100 });
    io.on("connection", (socket) => socket.on("ping!", () => socket.emit("pong!")));
    const rec = await adminClient(url, undefined);
    const [config] = await rec.wait("config");
    expect(config.supportedFeatures).not.toContain(Feature.ALL_EVENTS);
    expect(config.supportedFeatures).toContain(Feature.AGGREGATED_EVENTS);
    const app = await appClient(url);
    app.emit("ping!");
    await new Promise<void>((resolve) => app.once("pong!", () => resolve()));
    // wait for a sample that counted the app's connection and its event
    const [stats] = (await rec.wait(
      "server_stats",
      (s: ServerStats) => (s.totals?.eventsIn ?? 0) >= 1 && s.totals!.connections >= 1,
    )) as [ServerStats];
    expect(stats.totals!.eventsOut).toBeGreaterThanOrEqual(1);
    expect(rec.all("all_sockets")).toEqual([]);
    expect(rec.all("socket_connected")).toEqual([]);
    expect(rec.all("event_received")).toEqual([]);
  });
});

describe("server_stats", () => {
  it("has the official fields, the namespaces, and per-second aggregated events", async () => {
    const { url, io } = await startServer({ auth: false, serverId: "node-a", statsInterval: 100 });
    io.of("/chat");
    const rec = await adminClient(url, undefined);
    const [first] = (await rec.wait("server_stats")) as [ServerStats];
    expect(first).toMatchObject({
      serverId: "node-a",
      pid: process.pid,
      hostname: expect.any(String),
      uptime: expect.any(Number),
    });
    await appClient(url, {}, "/chat");
    await appClient(url, { transports: ["polling"] });
    const [stats] = (await rec.wait(
      "server_stats",
      (s: ServerStats) =>
        s.clientsCount === 3 &&
        s.namespaces.some((n) => n.name === "/chat" && n.socketsCount === 1),
    )) as [ServerStats];
    expect(stats.pollingClientsCount).toBe(1);
    expect(stats.namespaces.map((n) => n.name)).toEqual(
      expect.arrayContaining(["/", "/admin", "/chat"]),
    );
    // the per-second events of all samples: connections, packets and bytes in and out
    const all = rec.all("server_stats").flatMap(([s]) => (s as ServerStats).aggregatedEvents);
    const sum = (type: string) =>
      all.filter((e) => e.type === type).reduce((n, e) => n + e.count, 0);
    await until(() => {
      const events = rec.all("server_stats").flatMap(([s]) => (s as ServerStats).aggregatedEvents);
      return events.filter((e) => e.type === "rawConnection").reduce((n, e) => n + e.count, 0) >= 3;
    }, "three rawConnection");
    expect(sum("packetsOut")).toBeGreaterThan(0);
    expect(sum("bytesOut")).toBeGreaterThan(sum("packetsOut"));
    for (const e of all) expect(e.timestamp % 1000).toBe(0);
  });
});
