import { afterEach, describe, expect, it } from "vitest";
import { Socket } from "@switchboard/engine-client";
import { next, peers, stop } from "./peers.js";

describe.each(peers)("engine-client options against $name", (peer) => {
  let server: Awaited<ReturnType<typeof peer.start>> | undefined;
  const clients: Socket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await stop(server);
    server = undefined;
  });

  function open(opts: ConstructorParameters<typeof Socket>[1]): Socket {
    const s = new Socket(server!.url, opts);
    clients.push(s);
    return s;
  }

  it("upgrade: false stays on polling; rememberUpgrade starts on websocket after an upgrade", async () => {
    server = await peer.start({});
    const noUpgrade = open({ upgrade: false });
    await next(noUpgrade, "open");
    let upgraded = false;
    noUpgrade.on("upgrading", () => (upgraded = true));
    const first = open({ rememberUpgrade: true });
    await next(first, "upgrade");
    expect(upgraded).toBe(false);
    expect(noUpgrade.transport.name).toBe("polling");
    const second = open({ rememberUpgrade: true });
    await next(second, "open");
    expect(second.transport.name).toBe("websocket");
  });

  it("keeps cookies between requests with withCredentials (sticky-session cookie)", async () => {
    server = await peer.start({ cookie: true });
    const upgradeCookie = new Promise<string | undefined>((resolve) =>
      server!.http.once("upgrade", (req) => resolve(req.headers.cookie)),
    );
    const socket = open({ withCredentials: true });
    await next(socket, "open");
    expect(await upgradeCookie).toBe(`io=${socket.id}`);
  });

  it("sends no cookie without withCredentials", async () => {
    server = await peer.start({ cookie: true });
    const upgradeCookie = new Promise<string | undefined>((resolve) =>
      server!.http.once("upgrade", (req) => resolve(req.headers.cookie)),
    );
    const socket = open({});
    await next(socket, "open");
    expect(await upgradeCookie).toBeUndefined();
  });

  it("forceBase64 still delivers binary", async () => {
    server = await peer.start({});
    const conn = next<[any]>(server.engine, "connection");
    const socket = open({ transports: ["websocket"], forceBase64: true });
    await next(socket, "open");
    const [ps] = await conn;
    const got = next<[unknown]>(ps, "message");
    socket.send(new Uint8Array([0, 255, 128]));
    expect([...((await got)[0] as Uint8Array)]).toEqual([0, 255, 128]);
  });

  it("applies transportOptions per transport", async () => {
    server = await peer.start({});
    const headers = new Promise<string | undefined>((resolve) =>
      server!.http.once("upgrade", (req) => resolve(req.headers["x-ws"] as string)),
    );
    const socket = open({ transportOptions: { websocket: { extraHeaders: { "x-ws": "1" } } } });
    await next(socket, "upgrade");
    expect(await headers).toBe("1");
  });
});
