// docs/protocol.md §1.4: the handshake over polling and over WebSocket, and the options that shape it.
import { expect, it } from "vitest";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import {
  describeEngines,
  handshake,
  openWs,
  packets,
  poll,
  startServer,
  wsHandshake,
} from "./helpers.js";

const opts = { pingInterval: 300, pingTimeout: 200, maxHttpBufferSize: 5000 };

describeEngines("handshake", (impl) => {
  it("polling: 200, text/plain, `0{json}` with exactly the five keys and the configured values", async () => {
    const srv = await startServer(impl, opts);
    const { open, res } = await handshake(srv, "&t=abc");
    expect(res.headers["content-type"]).toBe("text/plain; charset=UTF-8");
    expect(Object.keys(open).sort()).toEqual([
      "maxPayload",
      "pingInterval",
      "pingTimeout",
      "sid",
      "upgrades",
    ]);
    expect(open).toMatchObject({
      upgrades: ["websocket"],
      pingInterval: 300,
      pingTimeout: 200,
      maxPayload: 5000,
    });
    expect(typeof open.sid).toBe("string");
    const socket = await srv.socket(open.sid);
    expect(socket.transport.name).toBe("polling");
    expect(srv.engine.clientsCount).toBe(1);
  });

  it("defaults (§1.10): pingInterval 25000, pingTimeout 20000, maxPayload 1e6", async () => {
    const srv = await startServer(impl);
    const { open } = await handshake(srv);
    expect(open).toMatchObject({
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1_000_000,
      upgrades: ["websocket"],
    });
  });

  it("sids are unguessable: 100 handshakes give 100 distinct ids of >= 15 chars", async () => {
    const srv = await startServer(impl);
    const sids = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => handshake(srv)));
      for (const s of batch) {
        expect(s.sid.length).toBeGreaterThanOrEqual(15);
        // Safe in a URL query and a cookie without escaping.
        expect(s.sid).toMatch(/^[A-Za-z0-9_-]+$/);
        sids.add(s.sid);
      }
    }
    expect(sids.size).toBe(100);
    expect(srv.engine.clientsCount).toBe(100);
  });

  it("websocket-only: 101, first frame `0{json}` with `upgrades: []`", async () => {
    const srv = await startServer(impl, opts);
    const { open, sid } = await wsHandshake(srv);
    expect(Object.keys(open).sort()).toEqual([
      "maxPayload",
      "pingInterval",
      "pingTimeout",
      "sid",
      "upgrades",
    ]);
    expect(open).toMatchObject({
      upgrades: [],
      pingInterval: 300,
      pingTimeout: 200,
      maxPayload: 5000,
    });
    const socket = await srv.socket(sid);
    expect(socket.transport.name).toBe("websocket");
  });

  it("a websocket-only server (transports: ['websocket']) accepts websocket handshakes", async () => {
    const srv = await startServer(impl, { transports: ["websocket"] });
    const { sid, open } = await wsHandshake(srv);
    expect(open.upgrades).toEqual([]);
    expect((await srv.socket(sid)).transport.name).toBe("websocket");
  });

  it("initialPacket is a message right after the open packet (polling)", async () => {
    const srv = await startServer(impl, { initialPacket: "welcome" });
    const { sid, rest } = await handshake(srv);
    // Either in the handshake response itself or in the first GET.
    const after = rest.length > 0 ? rest : packets((await poll(srv, sid)).text);
    expect(after[0]).toBe("4welcome");
  });

  it("initialPacket is a message right after the open packet (websocket)", async () => {
    const srv = await startServer(impl, { initialPacket: "welcome" });
    const { client } = await wsHandshake(srv);
    expect(await client.nextText()).toBe("4welcome");
  });

  it("no cookie by default", async () => {
    const srv = await startServer(impl);
    const { res } = await handshake(srv);
    expect(res.headers["set-cookie"]).toBeUndefined();
  });

  it("cookie: true sets `io=<sid>; Path=/; HttpOnly; SameSite=Lax` on the polling handshake", async () => {
    const srv = await startServer(impl, { cookie: true });
    const { sid, res } = await handshake(srv);
    expect(res.headers["set-cookie"]).toEqual([`io=${sid}; Path=/; HttpOnly; SameSite=Lax`]);
    // Only the handshake sets it.
    const s = await srv.socket(sid);
    const pending = poll(srv, sid);
    s.send("x");
    expect((await pending).headers["set-cookie"]).toBeUndefined();
  });

  it("cookie options: custom name and path", async () => {
    const srv = await startServer(impl, { cookie: { name: "lb", path: "/app" } });
    const { sid, res } = await handshake(srv);
    expect(res.headers["set-cookie"]).toEqual([`lb=${sid}; Path=/app; HttpOnly; SameSite=Lax`]);
  });

  it("`initial_headers` (handshake only) and `headers` (every response) can set response headers", async () => {
    const srv = await startServer(impl);
    const initialUrls: string[] = [];
    srv.engine.on("initial_headers", (headers: Record<string, string>, req: IncomingMessage) => {
      initialUrls.push(req.url ?? "");
      headers["x-initial"] = "yes";
    });
    srv.engine.on("headers", (headers: Record<string, string>) => {
      headers["x-every"] = "yes";
    });
    const { sid, res } = await handshake(srv);
    expect(res.headers["x-initial"]).toBe("yes");
    expect(res.headers["x-every"]).toBe("yes");
    (await srv.socket(sid)).send("x");
    const next = await poll(srv, sid);
    expect(next.headers["x-initial"]).toBeUndefined();
    expect(next.headers["x-every"]).toBe("yes");
    expect(initialUrls).toHaveLength(1);

    // The websocket handshake's 101 response carries them too.
    const ws = openWs(srv.wsUrl("EIO=4&transport=websocket"));
    const upgradeHeaders = new Promise<IncomingHttpHeaders>((resolve) =>
      ws.ws.once("upgrade", (r: IncomingMessage) => resolve(r.headers)),
    );
    const h = await upgradeHeaders;
    expect(h["x-initial"]).toBe("yes");
    expect(h["x-every"]).toBe("yes");
  });

  it("allowUpgrades: false gives `upgrades: []`", async () => {
    const srv = await startServer(impl, { allowUpgrades: false });
    const { open } = await handshake(srv);
    expect(open.upgrades).toEqual([]);
  });

  it("transports: ['polling'] gives `upgrades: []`", async () => {
    const srv = await startServer(impl, { transports: ["polling"] });
    const { open } = await handshake(srv);
    expect(open.upgrades).toEqual([]);
  });

  it("custom path, matched with or without the trailing slash", async () => {
    const srv = await startServer(impl, { path: "/rt" });
    expect(srv.path).toBe("/rt/");
    const { open } = await handshake(srv);
    expect(open.sid.length).toBeGreaterThanOrEqual(15);
  });

  it("extra query parameters are ignored by the handshake and kept on the request", async () => {
    const srv = await startServer(impl);
    const { sid } = await handshake(srv, "&token=abc&t=xyz");
    const socket = await srv.socket(sid);
    expect(socket.request.url).toContain("token=abc");
  });
});
