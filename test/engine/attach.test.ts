// Attaching to an http.Server must not break its other `request` and `upgrade` listeners.
import type { Server as HttpServer } from "node:http";
import { WebSocketServer } from "ws";
import { expect, it } from "vitest";
import {
  describeEngines,
  handshake,
  onCleanup,
  openWs,
  raw,
  rawUpgrade,
  request,
  startServer,
  wsHandshake,
} from "./helpers.js";

interface AppState {
  appRequests: string[];
}

/** A pre-existing app: `/hello` answers `world`, everything else 404; plus a ws echo server on `/other`. */
function installApp(http: HttpServer, state: AppState): void {
  http.on("request", (req, res) => {
    state.appRequests.push(req.url ?? "");
    if (req.url === "/hello") res.end("world");
    else res.writeHead(404).end("app 404");
  });
  const wss = new WebSocketServer({ noServer: true });
  onCleanup(() => wss.close());
  wss.on("connection", (ws) =>
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary })),
  );
  http.on("upgrade", (req, socket, head) => {
    if (req.url?.startsWith("/other"))
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
}

describeEngines("attach", (impl) => {
  it("a pre-existing request listener still serves other paths and never sees engine requests", async () => {
    const state: AppState = { appRequests: [] };
    const srv = await startServer(impl, {}, { beforeAttach: (http) => installApp(http, state) });
    const hello = await request(`http://127.0.0.1:${srv.port}/hello`);
    expect(hello.status).toBe(200);
    expect(hello.text).toBe("world");
    const missing = await request(`http://127.0.0.1:${srv.port}/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.text).toBe("app 404");
    // Prefix match on the normalised path `/engine.io/`: `/engine.iox` is not ours.
    const near = await request(`http://127.0.0.1:${srv.port}/engine.iox?EIO=4&transport=polling`);
    expect(near.text).toBe("app 404");
    await handshake(srv);
    expect(state.appRequests).toEqual([
      "/hello",
      "/nothing",
      "/engine.iox?EIO=4&transport=polling",
    ]);
  });

  it("another upgrade listener for another path still works, alongside engine websockets", async () => {
    const state: AppState = { appRequests: [] };
    const srv = await startServer(impl, {}, { beforeAttach: (http) => installApp(http, state) });
    const other = openWs(`ws://127.0.0.1:${srv.port}/other`);
    await other.opened;
    other.send("ping other");
    expect(await other.nextText()).toBe("ping other");
    const { client, sid } = await wsHandshake(srv);
    (await srv.socket(sid)).send("engine");
    expect(await client.nextText()).toBe("4engine");
    // The app's socket was not destroyed by the engine's "destroy unhandled upgrades" logic.
    other.send("again");
    expect(await other.nextText()).toBe("again");
  });

  it("an upgrade listener added after attaching also works", async () => {
    const srv = await startServer(impl);
    const wss = new WebSocketServer({ noServer: true });
    onCleanup(() => wss.close());
    wss.on("connection", (ws) => ws.send("late listener"));
    srv.http.on("upgrade", (req, socket, head) => {
      if (req.url === "/late")
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    });
    const ws = openWs(`ws://127.0.0.1:${srv.port}/late`);
    expect(await ws.nextText()).toBe("late listener");
  });

  it("an upgrade nobody handles is destroyed after destroyUpgradeTimeout", async () => {
    const srv = await startServer(impl, { destroyUpgradeTimeout: 50 });
    const result = await raw(srv, rawUpgrade("/nobody-home"));
    expect(result.closedByServer).toBe(true);
    expect(result.text).not.toContain("101");
  });

  it("engine.close() leaves the http server to its owner", async () => {
    const state: AppState = { appRequests: [] };
    const srv = await startServer(impl, {}, { beforeAttach: (http) => installApp(http, state) });
    srv.engine.close();
    expect(srv.http.listening).toBe(true);
    expect((await request(`http://127.0.0.1:${srv.port}/hello`)).text).toBe("world");
  });
});
