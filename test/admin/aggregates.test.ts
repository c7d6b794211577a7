// The per-second aggregates of server_stats (connections, disconnections, packets and bytes in and out) are the
// official @socket.io/admin-ui server's: the official instrument() on the `socket.io` server and ours on
// @switchboard/server see the same client traffic, and their sums must be equal. Both are read the way the
// admin UI reads them, through an admin socket; that socket's own traffic (whose messages differ, ours carry
// more fields) is measured on the client with the official rule and taken out.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { instrument as officialInstrument } from "@socket.io/admin-ui";
import { instrument } from "@switchboard/admin";
import { Server } from "@switchboard/server";
import { Server as OfficialServer } from "socket.io";
import { io as clientIo, type Socket as ClientSocket } from "socket.io-client";
import { closeAll, onCleanup } from "./helpers.js";
import { waitFor } from "../support/wait.js";

afterEach(closeAll);

type Counts = Record<string, number>;
interface AggregatedEvent {
  type: string;
  subType?: string;
  count: number;
}
/** What both servers offer the test: the socket.io API both implement. */
interface AnyIo {
  on(ev: "connection", fn: (socket: AppSocket) => void): unknown;
  emit(ev: string, ...args: unknown[]): unknown;
  engine: { clientsCount: number };
}
interface AppSocket {
  on(ev: string, fn: (...args: any[]) => void): unknown;
  emit(ev: string, ...args: unknown[]): unknown;
}

/** The official counting rule (a packet with data; its data's bytes), for one side of a client connection. */
function dataBytes(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

/** Runs the scripted traffic against one server and returns its aggregates minus the admin socket's own. */
async function measure(kind: "official" | "ours"): Promise<Counts> {
  const http = createServer();
  let io: AnyIo;
  if (kind === "official") {
    const official = new OfficialServer(http);
    officialInstrument(official, { auth: false, mode: "production" });
    io = official as unknown as AnyIo;
    onCleanup(() => official.close());
  } else {
    const ours = new Server(http);
    const admin = instrument(ours, { auth: false, mode: "production" });
    io = ours as unknown as AnyIo;
    onCleanup(() => {
      admin.close();
      return ours.close();
    });
  }
  io.on("connection", (socket) => {
    socket.emit("welcome", Buffer.from([9, 8, 7]), "é");
    socket.on("echo", (value: unknown, ack: (v: unknown) => void) => ack(value));
    socket.on("shout", (text: string) => io.emit("news", `${text} ✓`));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  onCleanup(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  // The admin socket: its server_stats are summed; its own traffic is counted as the official server counts.
  const admin = clientIo(`${url}/admin`, {
    forceNew: true,
    reconnection: false,
    transports: ["websocket"],
    autoConnect: false,
  });
  onCleanup(() => admin.disconnect());
  const own = { packetsIn: 0, bytesIn: 0, packetsOut: 0, bytesOut: 0, lastIn: 0 };
  const sums: Counts = {};
  let statsSeen = 0;
  let reported = { packetsOut: 0, bytesOut: 0 };
  admin.on("server_stats", (stats: { aggregatedEvents: AggregatedEvent[] }) => {
    for (const e of stats.aggregatedEvents) {
      const key = e.subType === undefined ? e.type : `${e.type}:${e.subType}`;
      sums[key] = (sums[key] ?? 0) + e.count;
    }
    // The server took this sample before writing this very packet: it is in the next one.
    reported = { packetsOut: own.packetsIn - 1, bytesOut: own.bytesIn - own.lastIn };
    statsSeen++;
  });
  admin.connect();
  const engine = admin.io.engine;
  engine.on("packet", ({ type, data }: { type: string; data?: unknown }) => {
    if (type === "open" || !data) return; // the official listener is attached after the open packet
    own.packetsIn++;
    own.lastIn = dataBytes(data);
    own.bytesIn += own.lastIn;
  });
  engine.on("packetCreate", ({ data }: { data?: unknown }) => {
    if (!data) return;
    own.packetsOut++;
    own.bytesOut += dataBytes(data);
  });
  await connected(admin);

  // The application's traffic: one client per transport setup, text and binary both ways, acks, a broadcast.
  const setups = [
    { transports: ["websocket"] },
    { transports: ["polling"] },
    { transports: ["polling", "websocket"] },
  ];
  const clients = setups.map((opts) =>
    clientIo(url, { forceNew: true, reconnection: false, ...opts }),
  );
  for (const c of clients) onCleanup(() => c.disconnect());
  await Promise.all(
    clients.map((c) => Promise.all([connected(c), new Promise((r) => c.once("welcome", r))])),
  );
  for (const c of clients) {
    expect(await c.emitWithAck("echo", "héllo ✓")).toBe("héllo ✓");
    expect(Buffer.from(await c.emitWithAck("echo", Buffer.from([1, 2, 3, 4, 5])))).toEqual(
      Buffer.from([1, 2, 3, 4, 5]),
    );
  }
  const news = Promise.all(clients.map((c) => new Promise((r) => c.once("news", r))));
  clients[0]!.emit("shout", "all");
  await news;
  for (const c of clients) c.disconnect();
  await until(() => io.engine.clientsCount === 1, "the app clients' sessions to close");
  // Two more periods: everything before them is in the sums.
  const seen = statsSeen;
  await until(() => statsSeen >= seen + 2, "two server_stats");

  const app: Counts = { ...sums };
  app.packetsIn = (app.packetsIn ?? 0) - own.packetsOut;
  app.bytesIn = (app.bytesIn ?? 0) - own.bytesOut;
  app.packetsOut = (app.packetsOut ?? 0) - reported.packetsOut;
  app.bytesOut = (app.bytesOut ?? 0) - reported.bytesOut;
  return app;
}

function until(fn: () => boolean, what: string, ms = 10_000): Promise<void> {
  return waitFor(fn, what, ms);
}

const COMPARED = ["rawConnection", "packetsIn", "bytesIn", "packetsOut", "bytesOut"];

describe("aggregated counts, ours and the official @socket.io/admin-ui's", () => {
  it("are the same for the same client traffic", async () => {
    const official = await measure("official");
    await closeAll();
    const ours = await measure("ours");
    const pick = (c: Counts): Counts =>
      Object.fromEntries(
        Object.entries(c).filter(([k]) => COMPARED.includes(k) || k.startsWith("rawDisconnection")),
      );
    expect(pick(ours)).toEqual(pick(official));
    // 1 admin + 3 app sessions; traffic really flowed (so equal sums are not two zeros)
    expect(official.rawConnection).toBe(4);
    expect(official.packetsIn).toBeGreaterThanOrEqual(12);
    expect(official.bytesOut).toBeGreaterThan(100);
  });
});
