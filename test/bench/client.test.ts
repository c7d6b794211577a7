// The load generator's minimal clients (bench/lib/eio-client.mjs, polling-client.mjs) checked against the
// official socket.io-client, on both servers running the benchmark app: same replies, same broadcasts, rooms
// honoured, pings answered. If these hold, the benchmark measures the same work a real client causes.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as ReferenceServer } from "socket.io";
import { Server as SwitchboardServer } from "@switchboard/server";
import { io as officialIo, type Socket as OfficialSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { installApp, SERVER_OPTIONS } from "../../bench/lib/app.mjs";
import { WsClient } from "../../bench/lib/eio-client.mjs";
import { OfficialClient } from "../../bench/lib/official-client.mjs";
import { PollingClient, pollingAgent } from "../../bench/lib/polling-client.mjs";

interface Closable {
  close(): unknown;
}
type Ctor = new (http: HttpServer, opts: object) => Closable;

const SERVERS: [string, Ctor][] = [
  ["socket.io", ReferenceServer as unknown as Ctor],
  ["switchboard", SwitchboardServer as unknown as Ctor],
];

const toClose: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of toClose.splice(0).reverse()) await f();
});

function within<T>(p: Promise<T>, what: string, ms = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

async function start(Server: Ctor, extra: object = {}) {
  const http = createServer();
  const io = new Server(http, { ...SERVER_OPTIONS, ...extra });
  const app = installApp(io);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  toClose.push(
    () =>
      new Promise<void>((resolve) => {
        io.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  );
  return { port: (http.address() as AddressInfo).port, app };
}

async function official(
  port: number,
  transports: string[] = ["websocket"],
): Promise<OfficialSocket> {
  const s = officialIo(`http://127.0.0.1:${port}`, {
    transports,
    forceNew: true,
    reconnection: false,
  });
  toClose.push(() => s.disconnect());
  await within(
    new Promise<void>((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("connect_error", reject);
    }),
    "the official client to connect",
  );
  return s;
}

async function ours(port: number): Promise<WsClient> {
  const c = await WsClient.connect(port, { timeout: 3000 });
  toClose.push(() => c.terminate());
  return c;
}

/** Resolves with the arguments of the next `event` on our client. */
function nextOn(c: WsClient, event: string): Promise<unknown[]> {
  return within(
    new Promise((resolve) => c.on(event, (args) => resolve(args))),
    `"${event}" on the bench client`,
  );
}

function nextOnOfficial(s: OfficialSocket, event: string): Promise<unknown[]> {
  return within(
    new Promise((resolve) => s.once(event, (...args: unknown[]) => resolve(args))),
    `"${event}" on the official client`,
  );
}

const normalise = (v: unknown): unknown => (Buffer.isBuffer(v) ? { buffer: [...v] } : v);

describe.each(SERVERS)("bench client beside socket.io-client on %s", (_name, Server) => {
  it("gets the same ack replies for text, objects and binary", async () => {
    const { port } = await start(Server);
    const [a, b] = await Promise.all([ours(port), official(port)]);
    expect(a.id).toMatch(/\S/);
    const inputs: unknown[] = [
      "hello",
      { n: 1, nested: { s: "é€😀", list: [1, null, true] } },
      Buffer.from([0, 1, 2, 250, 255]),
    ];
    for (const input of inputs) {
      const mine = await within(a.emitWithAck("echo", input), "our ack");
      const theirs = (await within(
        b.timeout(3000).emitWithAck("echo", input),
        "their ack",
      )) as unknown;
      expect(mine.map(normalise)).toEqual([normalise(theirs)]);
      expect(normalise(mine[0])).toEqual(normalise(input));
    }
  });

  it("receives every broadcast the official client receives, either one sending", async () => {
    const { port, app } = await start(Server);
    const [a, b] = await Promise.all([ours(port), official(port)]);
    expect(app.count()).toBe(2);
    let gotA = nextOn(a, "bcast");
    let gotB = nextOnOfficial(b, "bcast");
    b.emit("bcast", "from official");
    expect(await gotA).toEqual(["from official"]);
    expect(await gotB).toEqual(["from official"]);
    gotA = nextOn(a, "bcast");
    gotB = nextOnOfficial(b, "bcast");
    a.emit("bcast", { from: "bench", big: "x".repeat(100) });
    expect(await gotA).toEqual([{ from: "bench", big: "x".repeat(100) }]);
    expect(await gotB).toEqual([{ from: "bench", big: "x".repeat(100) }]);
  });

  it("joins rooms with an ack and only receives its own room's emits", async () => {
    const { port } = await start(Server);
    const [a, b] = await Promise.all([ours(port), official(port)]);
    expect(await within(a.emitWithAck("join", "r1"), "join ack")).toEqual(["r1"]);
    expect(await within(b.timeout(3000).emitWithAck("join", "r2"), "join ack")).toBe("r2");
    const gotA = nextOn(a, "room");
    const gotB = nextOnOfficial(b, "room");
    // r2 first: had our client wrongly got it, it would be the first "room" event it sees.
    a.emit("room", "r2", "for r2");
    a.emit("room", "r1", "for r1");
    expect(await gotA).toEqual(["for r1"]);
    expect(await gotB).toEqual(["for r2"]);
  });

  it("answers the server's pings, so an idle connection stays up", async () => {
    const { port, app } = await start(Server, { pingInterval: 30, pingTimeout: 30 });
    const a = await ours(port);
    let pings = 0;
    // Three pings answered in time: without pongs the server would drop us after the first one (60 ms).
    await within(
      new Promise<void>((resolve) => {
        a.ws.on("message", (data: Buffer, isBinary: boolean) => {
          if (!isBinary && data.toString() === "2" && ++pings === 3) resolve();
        });
      }),
      "three pings",
    );
    expect(a.ws.readyState).toBe(a.ws.OPEN);
    expect(await within(a.emitWithAck("echo", "still here"), "ack after pings")).toEqual([
      "still here",
    ]);
    expect(app.count()).toBe(1);
  });

  it("wraps the official client behind the same interface (for client-check.mjs)", async () => {
    const { port } = await start(Server);
    const o = await within(OfficialClient.connect(port), "the wrapped official client");
    toClose.push(() => o.terminate());
    const a = await ours(port);
    expect(await within(o.emitWithAck("echo", { n: 1 }), "wrapped ack")).toEqual([{ n: 1 }]);
    const got = within(
      new Promise<unknown[]>((resolve) => o.on("bcast", resolve)),
      "wrapped bcast",
    );
    a.emit("bcast", "to all");
    expect(await got).toEqual(["to all"]);
  });

  it("echoes over long-polling like the official client does", async () => {
    const { port } = await start(Server);
    const p = await within(PollingClient.connect(port), "the polling handshake");
    toClose.push(() => p.close());
    const b = await official(port, ["polling"]);
    const input = { s: "polled", n: 3 };
    const mine = await within(p.emitWithAck("echo", input), "polling ack");
    const theirs = (await within(
      b.timeout(3000).emitWithAck("echo", input),
      "their ack",
    )) as unknown;
    expect(mine).toEqual([theirs]);
    expect(p.id).toMatch(/\S/);
  });
});

afterEach(() => {
  pollingAgent.destroy();
});
