// Namespaces: static, multiplexed on one connection, dynamic by regex and by function, unknown ones.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings } from "./impls.js";
import {
  barrier,
  cleanup,
  clientOptions,
  connect,
  connectPair,
  eventsNamed,
  manager,
  once,
  record,
  startServer,
  waitConnect,
} from "./helpers.js";

afterEach(cleanup.run);

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("namespaces over $label", (setting) => {
    it("a static namespace has its own connection handler, sockets and broadcasts", async () => {
      const started = await startServer(Server);
      const admin = started.io.of("/admin");
      expect(admin.name).toBe("/admin");
      expect(started.io.of("admin")).toBe(admin); // the leading slash is added
      const adminConn = once(admin, "connection");
      let mainConnections = 0;
      started.io.on("connection", () => mainConnections++);
      const onMain = await connectPair(started, setting, "/");
      const onAdmin = await connectPair(started, setting, "/admin");
      const [socket] = await adminConn;
      expect(socket).toBe(onAdmin.server);
      expect(onAdmin.server.nsp).toBe(admin);
      expect(mainConnections).toBe(1);
      const mainLog = record(onMain.client);
      const adminLog = record(onAdmin.client);
      admin.emit("for-admins");
      started.io.emit("for-main");
      await barrier([onMain, onAdmin]);
      expect(eventsNamed(adminLog, "for-admins")).toHaveLength(1);
      expect(eventsNamed(adminLog, "for-main")).toHaveLength(0);
      expect(eventsNamed(mainLog, "for-main")).toHaveLength(1);
      expect(eventsNamed(mainLog, "for-admins")).toHaveLength(0);
    });

    it("rooms belong to a namespace: a room of the same name elsewhere is not reached", async () => {
      const started = await startServer(Server);
      started.io.of("/admin");
      const main = await connectPair(started, setting, "/");
      const admin = await connectPair(started, setting, "/admin");
      await main.server.join("r");
      await admin.server.join("r");
      const logs = [record(main.client), record(admin.client)];
      started.io.of("/admin").to("r").emit("m");
      await barrier([main, admin]);
      expect(logs.map((l) => eventsNamed(l, "m").length)).toEqual([0, 1]);
    });

    it("several namespaces share one Engine.IO connection, each with its own socket id", async () => {
      const started = await startServer(Server);
      started.io.of("/a");
      started.io.of("/b");
      const m = manager(started.url, clientOptions(setting));
      const sockets = ["/", "/a", "/b"].map((nsp) => m.socket(nsp));
      for (const s of sockets) s.connect();
      await Promise.all(sockets.map((s) => waitConnect(s)));
      const servers = ["/", "/a", "/b"].map((nsp, i) =>
        started.io.of(nsp).sockets.get(sockets[i]!.id!)!,
      );
      expect(servers.every(Boolean)).toBe(true);
      expect(new Set(servers.map((s) => s.conn)).size).toBe(1); // one Engine.IO connection
      expect(new Set(servers.map((s) => s.id)).size).toBe(3);
      expect(started.io.engine.clientsCount).toBe(1);
      // Events stay in their namespace in both directions.
      const got = servers.map((s, i) => once(s, "hello").then((args) => [i, ...args]));
      sockets.forEach((s, i) => s.emit("hello", `from ${i}`));
      expect(await Promise.all(got)).toEqual([
        [0, "from 0"],
        [1, "from 1"],
        [2, "from 2"],
      ]);
      const back = sockets.map((s) => once(s, "back"));
      servers.forEach((s) => s.emit("back", s.nsp.name));
      expect(await Promise.all(back)).toEqual([["/"], ["/a"], ["/b"]]);
      // Leaving one namespace keeps the connection and the other namespaces.
      const left = once(servers[1]!, "disconnect");
      sockets[1]!.disconnect();
      expect(await left).toEqual(["client namespace disconnect", undefined]);
      const still = once(servers[2]!, "still");
      sockets[2]!.emit("still");
      await still;
      expect(servers[0]!.connected).toBe(true);
    });

    it("a regex namespace creates child namespaces on demand and emits new_namespace", async () => {
      const started = await startServer(Server);
      const parent = started.io.of(/^\/dyn-\d+$/);
      const created: string[] = [];
      started.io.on("new_namespace", (nsp) => created.push(nsp.name));
      const parentConn = once(parent, "connection");
      const { client, server } = await connectPair(started, setting, "/dyn-42");
      const [socket] = await parentConn;
      expect(socket).toBe(server);
      expect(server.nsp.name).toBe("/dyn-42");
      expect(created).toEqual(["/dyn-42"]);
      expect(started.io.of("/dyn-42")).toBe(server.nsp); // the child is now a regular namespace
      // Broadcasting on the parent reaches the children.
      const got = once(client, "from-parent");
      parent.emit("from-parent", 1);
      expect(await got).toEqual([1]);
    });

    it("a function namespace decides by name and auth", async () => {
      const started = await startServer(Server);
      const parent = started.io.of((name, auth, next) =>
        next(null, name.startsWith("/fn-") && auth.ok === true),
      );
      const seen: string[] = [];
      parent.on("connection", (s) => seen.push(s.nsp.name));
      await connectPair(started, setting, "/fn-x", { auth: { ok: true } });
      expect(seen).toEqual(["/fn-x"]);
      const refused = connect(
        `${started.url}/fn-y`,
        clientOptions(setting, { auth: { ok: false } }),
      );
      const [err] = await once(refused, "connect_error");
      expect((err as Error).message).toBe("Invalid namespace");
    });

    it("an unknown namespace → connect_error 'Invalid namespace'; the connection can still join others", async () => {
      const started = await startServer(Server);
      const created: string[] = [];
      started.io.on("new_namespace", (nsp) => created.push(nsp.name));
      const m = manager(started.url, clientOptions(setting));
      const bad = m.socket("/nope");
      bad.connect();
      const [err] = await once(bad, "connect_error");
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toBe("Invalid namespace");
      expect(bad.connected).toBe(false);
      const good = m.socket("/");
      good.connect();
      await waitConnect(good);
      expect(created).toEqual([]);
    });
  });
});
