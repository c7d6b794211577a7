// The browser entry (fetch + global WebSocket) exercised in Node: Node 20 has `fetch`; the WebSocket global is
// lent from `ws` for the duration of the test.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket as NodeWebSocket } from "ws";
import { Socket } from "../src/index.js";
import { next, peers, stop } from "./peers.js";

const g = globalThis as { WebSocket?: unknown };
let saved: unknown;
beforeAll(() => {
  saved = g.WebSocket;
  g.WebSocket = NodeWebSocket;
});
afterAll(() => {
  g.WebSocket = saved;
});

describe.each(peers)("browser entry against $name", (peer) => {
  let server: Awaited<ReturnType<typeof peer.start>> | undefined;
  let client: Socket | undefined;
  afterEach(async () => {
    client?.close();
    client = undefined;
    await stop(server);
    server = undefined;
  });

  it("polls with fetch, upgrades to the global WebSocket, and gets binary as ArrayBuffer", async () => {
    server = await peer.start({});
    const conn = next<[any]>(server.engine, "connection");
    client = new Socket(server.url, { extraHeaders: { "x-a": "1" } });
    await next(client, "open");
    const [ps] = await conn;
    expect(client.transport.name).toBe("polling");
    expect(ps.request.headers["x-a"]).toBe("1");
    const polled = next<[unknown]>(client, "message");
    ps.send(Buffer.from([1, 2]));
    const data = (await polled)[0];
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([1, 2]);
    await next(client, "upgrade");
    expect(client.transport.name).toBe("websocket");
    const got = next<[unknown]>(ps, "message");
    client.send(new Uint8Array([3, 4]).buffer);
    expect([...((await got)[0] as Uint8Array)]).toEqual([3, 4]);
    const back = next<[unknown]>(client, "message");
    ps.send(Buffer.from([5]));
    expect((await back)[0]).toBeInstanceOf(ArrayBuffer);
  });

  it("closeOnBeforeunload closes the transport when the page unloads, and unhooks on close", async () => {
    const target = new EventTarget();
    const gg = globalThis as Record<string, unknown>;
    gg.addEventListener = target.addEventListener.bind(target);
    gg.removeEventListener = target.removeEventListener.bind(target);
    try {
      server = await peer.start({});
      const conn = next<[any]>(server.engine, "connection");
      client = new Socket(server.url, { transports: ["websocket"], closeOnBeforeunload: true });
      await next(client, "open");
      const [ps] = await conn;
      const closedOnServer = next<[string]>(ps, "close");
      target.dispatchEvent(new Event("beforeunload"));
      expect((await closedOnServer)[0]).toBe("transport close");
      const removed: string[] = [];
      const remove = target.removeEventListener.bind(target);
      gg.removeEventListener = (ev: string, fn: EventListener) => (
        removed.push(ev),
        remove(ev, fn)
      );
      client.close();
      client = undefined;
      expect(removed).toContain("beforeunload");
    } finally {
      client?.close();
      delete gg.addEventListener;
      delete gg.removeEventListener;
    }
  });
});
