// Engine.IO options and hooks reached through the Socket.IO server, the way apps configure them.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import type { ServerSocket } from "./helpers.js";
import {
  bytes,
  cleanup,
  clientOptions,
  connect,
  connectPair,
  once,
  startServer,
  waitConnect,
} from "./helpers.js";

afterEach(cleanup.run);

const ws = { label: "websocket", transports: ["websocket" as const] };
const polling = { label: "polling", transports: ["polling" as const] };

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe("server options", () => {
    it("io.engine.generateId replaces the Engine.IO session id (the socket id stays its own)", async () => {
      const started = await startServer(Server);
      let n = 0;
      started.io.engine.generateId = () => `custom-${n++}`;
      const { client, server } = await connectPair(started, polling);
      expect(client.io.engine.id).toBe("custom-0");
      expect(server.id).not.toBe("custom-0");
    });

    it("allowRequest can refuse the handshake → connect_error; accepting works", async () => {
      const started = await startServer(Server, {
        allowRequest: (req, cb) => cb(null, req.headers["x-allowed"] === "yes"),
      });
      for (const setting of [ws, polling]) {
        const refused = connect(
          started.url,
          clientOptions(setting, { extraHeaders: { "x-allowed": "no" } }),
        );
        await once(refused, "connect_error");
        expect(refused.connected).toBe(false);
        await connectPair(started, setting, "/", { extraHeaders: { "x-allowed": "yes" } });
      }
      expect(started.io.of("/").sockets.size).toBe(2);
    });

    it("transports: ['websocket'] refuses polling clients", async () => {
      const started = await startServer(Server, { transports: ["websocket"] });
      const refused = connect(started.url, clientOptions(polling));
      await once(refused, "connect_error");
      await connectPair(started, ws);
    });

    it("cors: the polling handshake answers with the allowed origin", async () => {
      const started = await startServer(Server, {
        cors: { origin: "http://example.test", credentials: true },
      });
      const res = await fetch(`${started.url}/socket.io/?EIO=4&transport=polling`, {
        headers: { origin: "http://example.test" },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("http://example.test");
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    });

    it("io.engine 'initial_headers' and 'headers' hooks add response headers", async () => {
      const started = await startServer(Server);
      started.io.engine.on("initial_headers", (headers: Record<string, string>) => {
        headers["x-initial"] = "1";
      });
      started.io.engine.on("headers", (headers: Record<string, string>) => {
        headers["x-every"] = "1";
      });
      const first = await fetch(`${started.url}/socket.io/?EIO=4&transport=polling`);
      expect(first.headers.get("x-initial")).toBe("1");
      expect(first.headers.get("x-every")).toBe("1");
      const sid = (JSON.parse((await first.text()).slice(1)) as { sid: string }).sid;
      const next = await fetch(`${started.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
        method: "POST",
        body: "40",
      });
      expect(next.headers.get("x-initial")).toBeNull();
      expect(next.headers.get("x-every")).toBe("1");
    });

    it("pingInterval / pingTimeout / maxHttpBufferSize are announced in the handshake", async () => {
      const started = await startServer(Server, {
        pingInterval: 1234,
        pingTimeout: 567,
        maxHttpBufferSize: 4321,
      });
      const res = await fetch(`${started.url}/socket.io/?EIO=4&transport=polling`);
      const open = JSON.parse((await res.text()).slice(1)) as Record<string, unknown>;
      expect(open).toMatchObject({ pingInterval: 1234, pingTimeout: 567, maxPayload: 4321 });
    });

    it.each([
      { setting: ws, reason: "transport error" },
      // engine.io ≥ 6.6.13 closes a polling session whose POST gets 413 (`transport error`), as Switchboard does.
      { setting: polling, reason: "transport error" },
    ])(
      "a message over maxHttpBufferSize over $setting.label closes that connection with $reason",
      async ({ setting, reason }) => {
        const started = await startServer(Server, { maxHttpBufferSize: 1000 });
        const { client, server } = await connectPair(started, setting);
        const errors: unknown[] = [];
        server.on("error", (err: unknown) => errors.push(err));
        const gone = once(server, "disconnect");
        client.emit("big", "x".repeat(5000));
        expect((await gone)[0]).toBe(reason);
        expect(started.io.engine.clientsCount).toBe(0);
        // A transport failure is not a Socket.IO socket error: the reference emits no `error` event for it.
        expect(errors).toEqual([]);
      },
    );

    it("perMessageDeflate on: large messages both ways and compress(false) still arrive", async () => {
      const started = await startServer(Server, { perMessageDeflate: { threshold: 0 } });
      const { client, server } = await connectPair(started, ws);
      const big = "abc".repeat(50_000);
      const toServer = once(server, "big");
      client.emit("big", big);
      expect(await toServer).toEqual([big]);
      const toClient = once(client, "big");
      server.emit("big", big);
      expect(await toClient).toEqual([big]);
      const raw = once(client, "raw");
      server.compress(false).emit("raw", big);
      expect(await raw).toEqual([big]);
    });

    it("many clients at once: 30 over each transport all get a broadcast", async () => {
      const started = await startServer(Server);
      const clients = [ws, polling].flatMap((setting) =>
        Array.from({ length: 30 }, () => connect(started.url, clientOptions(setting))),
      );
      await Promise.all(clients.map((c) => waitConnect(c, 5000)));
      expect(started.io.engine.clientsCount).toBe(60);
      const got = clients.map((c) => once(c, "all", 5000));
      started.io.emit("all", "hi");
      expect(new Set((await Promise.all(got)).map((a) => a[0]))).toEqual(new Set(["hi"]));
      // One binary broadcast, encoded once, must still reach websocket (binary frames) and polling (base64) alike.
      const gotBin = clients.map((c) => once(c, "bin", 5000));
      started.io.emit("bin", { blob: Buffer.from([1, 2, 3]) }, "tail");
      for (const [obj, tail] of await Promise.all(gotBin)) {
        expect(bytes((obj as { blob: unknown }).blob)).toEqual([1, 2, 3]);
        expect(tail).toBe("tail");
      }
      const sockets = (await started.io.fetchSockets()) as unknown as ServerSocket[];
      expect(new Set(sockets.map((s) => s.id))).toEqual(new Set(clients.map((c) => c.id)));
    });
  });
});
