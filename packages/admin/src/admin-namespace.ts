import { namespacesOf } from "@switchboard/server";
import createDebug from "debug";
import { registerActions, supportedFeatures } from "./actions.js";
import { issuedSessions } from "./auth.js";
import { DataWatch } from "./data-watch.js";
import { EventBuffer } from "./event-buffer.js";
import { EventLogGate } from "./event-log.js";
import { FlowWatch } from "./flow-watch.js";
import { StatsHistory } from "./history.js";
import { LoopLag } from "./loop-lag.js";
import {
  AggregatedEventType,
  type Config,
  type NamespaceDetails,
  type SerializedSocket,
  type ServerStats,
} from "./protocol.js";
import { redactData, serializeRemote, serializeSocket } from "./serialize.js";
import type { EventCapture, InstrumentationStream } from "./stream/index.js";
import type { AnyNamespace, AnyServer, AnySocket } from "./types.js";

const debug = createDebug("socket.io-admin");

/**
 * Adapters that only reach this node's sockets: the in-memory ones of `@switchboard/adapter` (and of
 * `socket.io-adapter`), known by class name so that this package needs no dependency on them. Any
 * other adapter counts as a cluster one.
 */
const LOCAL_ADAPTERS = new Set(["Adapter", "SessionAwareAdapter"]);

export interface AdminNamespaceOptions {
  readonly: boolean;
  development: boolean;
  serverId: string;
  hostname: string;
  statsIntervalMs: number;
  /** Development mode: `event_received` / `event_sent` entries forwarded per second by this node. */
  eventLogRate: number;
}

/** Admin namespaces served per server (name → uses), so that metrics can leave their traffic out. */
const adminNamespaces = new WeakMap<AnyServer, Map<string, number>>();

/** Whether `name` is an admin namespace of `io` (its `server_stats` broadcasts are not app broadcasts). */
export function isAdminNamespace(io: AnyServer, name: string): boolean {
  return (adminNamespaces.get(io)?.get(name) ?? 0) > 0;
}

function markAdminNamespace(io: AnyServer, name: string): () => void {
  let names = adminNamespaces.get(io);
  if (names === undefined) adminNamespaces.set(io, (names = new Map()));
  names.set(name, (names.get(name) ?? 0) + 1);
  return () => {
    const n = (names.get(name) ?? 1) - 1;
    if (n > 0) names.set(name, n);
    else names.delete(name);
  };
}

/**
 * Speak the admin protocol on `adminNsp`, fed by the instrumentation stream. Returns the teardown.
 * Everything is emitted with `adminNsp.emit`, a broadcast: with a cluster adapter every admin
 * socket, on any node, hears about every node.
 */
export function serveAdminNamespace(
  io: AnyServer,
  adminNsp: AnyNamespace,
  stream: InstrumentationStream,
  opts: AdminNamespaceOptions,
): () => void {
  const buffer = new EventBuffer();
  const history = new StatsHistory();
  const lag = new LoopLag();
  const flow = new FlowWatch(io, stream);
  const unmark = markAdminNamespace(io, adminNsp.name);
  let connections = 0;
  let disconnections = 0;
  // Traffic is sampled once a second into per-second buckets (never counted per packet here).
  let lastTraffic = stream.totalTraffic();
  const gate = new EventLogGate(opts.eventLogRate);
  let lastDropped = 0;
  const sampleTraffic = (): void => {
    const now = stream.totalTraffic();
    buffer.pushTraffic(now, lastTraffic);
    lastTraffic = now;
    buffer.push(AggregatedEventType.EVENT_LOG_DROPPED, undefined, gate.dropped - lastDropped);
    lastDropped = gate.dropped;
  };
  // The same one-second tick opens the event log's next window.
  const sampler = setInterval(() => {
    gate.tick();
    sampleTraffic();
    flow.tick();
  }, 1000);
  sampler.unref();
  const polling = new Set<string>();
  const offs: (() => void)[] = [];
  const features = supportedFeatures(opts.readonly, opts.development);
  const config: Config = {
    supportedFeatures: features,
    mode: opts.development ? "development" : "production",
    readonly: opts.readonly,
    serverId: opts.serverId,
  };

  offs.push(
    stream.on("handshake", (e) => {
      buffer.push("rawConnection");
      if (e.transport === "polling") polling.add(e.id);
    }),
    stream.on("upgrade", (e) => {
      if (e.transport !== "polling") polling.delete(e.id);
    }),
    stream.on("engine_close", (e) => {
      buffer.push("rawDisconnection", e.reason);
      polling.delete(e.id);
    }),
    stream.on("connection", (socket) => {
      connections++;
      buffer.push("connection", socket.nsp.name);
    }),
    stream.on("disconnection", (_socket, reason) => {
      disconnections++;
      buffer.push("disconnection", reason);
    }),
  );

  if (opts.development) offs.push(...verbose(io, adminNsp, stream, gate, opts.statsIntervalMs));

  /** `drain`: the periodic broadcast (counts since the last one); else a newcomer's first sample, with the history. */
  const stats = (drain: boolean): ServerStats => {
    const namespaces: NamespaceDetails[] = [];
    for (const nsp of namespacesOf(io))
      namespaces.push({ name: nsp.name, socketsCount: nsp.sockets.size });
    const mem = process.memoryUsage();
    const clientsCount = io.engine?.clientsCount ?? 0;
    const now = Date.now();
    const aggregatedEvents = drain ? buffer.drain() : history.events();
    if (drain) history.record(aggregatedEvents, clientsCount, now);
    return {
      serverId: opts.serverId,
      hostname: opts.hostname,
      pid: process.pid,
      uptime: process.uptime(),
      clientsCount,
      pollingClientsCount: polling.size,
      aggregatedEvents,
      namespaces,
      totals: {
        ...stream.totalTraffic(),
        connections,
        disconnections,
        eventLogDropped: gate.dropped,
      },
      eventLoopLagMs: drain ? lag.take().mean : undefined,
      memory: { rss: mem.rss, heapUsed: mem.heapUsed },
      timestamp: now,
      flow: flow.snapshot(),
      ...(drain ? {} : { clientsHistory: history.clients() }),
    };
  };

  const emitStats = (): void => {
    debug("emit stats");
    try {
      sampleTraffic();
      adminNsp.emit("server_stats", stats(true));
    } catch (err) {
      debug("stats failed: %s", (err as Error).message);
    }
  };
  const timer = setInterval(emitStats, opts.statsIntervalMs);
  timer.unref(); // the stats timer never keeps the process alive

  const onAdminConnection = (socket: AnySocket): void => {
    const sessionId = issuedSessions.get(socket);
    if (sessionId !== undefined) socket.emit("session", sessionId);
    registerActions(io, socket, opts.readonly, (action) =>
      debug("readonly: refused %s from %s", action, socket.id),
    );
    socket.emit("config", config);
    // A first sample at once (without draining the per-second counts) so a page need not wait 2 s,
    // carrying the last 5 minutes already broadcast so that its plots start with a history.
    socket.emit("server_stats", stats(false));
    if (opts.development) {
      fetchAllSockets(io).then(
        (sockets) => {
          if (socket.connected) socket.emit("all_sockets", sockets);
        },
        (err: unknown) => debug("fetching sockets failed: %s", (err as Error).message),
      );
    }
  };
  adminNsp.on("connection", onAdminConnection);

  return () => {
    clearInterval(timer);
    clearInterval(sampler);
    lag.close();
    flow.close();
    unmark();
    adminNsp.off("connection", onAdminConnection);
    for (const off of offs) off();
  };
}

/** Development mode: every socket, room and event, live. */
function verbose(
  io: AnyServer,
  adminNsp: AnyNamespace,
  stream: InstrumentationStream,
  gate: EventLogGate,
  periodMs: number,
): (() => void)[] {
  const byConn = new Map<string, Set<AnySocket>>();
  const dataWatch = new DataWatch();
  const isAdmin = (socket: AnySocket): boolean => socket.nsp === adminNsp;
  // Capturing every event costs one admin broadcast per event (per recipient for broadcasts). With a
  // single-node adapter nobody can hear them while no admin socket is connected here, so capture only
  // then; a cluster adapter may have admin sockets on other nodes, so it always captures.
  const localOnly = LOCAL_ADAPTERS.has(
    (Object.getPrototypeOf(adminNsp.adapter) as { constructor?: { name?: string } } | null)
      ?.constructor?.name ?? "",
  );
  let stopCapture: EventCapture | undefined;
  const updateCapture = (leaving?: AnySocket): void => {
    const admins =
      adminNsp.sockets.size - (leaving !== undefined && adminNsp.sockets.has(leaving.id) ? 1 : 0);
    const want = gate.rate > 0 && (!localOnly || admins > 0);
    if (want && stopCapture === undefined) {
      stopCapture = stream.captureEvents();
      paused = false;
    } else if (!want && stopCapture !== undefined) {
      gate.onTick?.(); // book what a paused capture skipped
      stopCapture();
      stopCapture = undefined;
    }
  };
  // Past the window's budget the capture is paused (an event then costs one addition in the stream);
  // the next window resumes it and books what was skipped meanwhile as dropped.
  let skippedAtPause = 0;
  let paused = false;
  const pause = (): void => {
    if (paused || stopCapture === undefined) return;
    paused = true;
    skippedAtPause = stream.skippedEvents;
    stopCapture.pause();
  };
  gate.onTick = () => {
    if (!paused) return;
    paused = false;
    gate.dropped += stream.skippedEvents - skippedAtPause;
    stopCapture?.resume();
  };
  const unignore = stream.ignoreNamespace(adminNsp);
  // `socket.data` changes, compared on the stats period while someone may be listening
  dataWatch.check(io, adminNsp, () => {});
  const dataTimer = setInterval(() => {
    if (localOnly && adminNsp.sockets.size === 0) return;
    dataWatch.check(io, adminNsp, (socket, data) =>
      adminNsp.emit("socket_updated", { id: socket.id, nsp: socket.nsp.name, data }),
    );
  }, periodMs);
  dataTimer.unref();
  const onAdmin = (socket: AnySocket): void => {
    updateCapture();
    socket.once("disconnect", () => updateCapture(socket));
  };
  adminNsp.on("connection", onAdmin);
  updateCapture();
  const offs = [
    () => {
      adminNsp.off("connection", onAdmin);
      clearInterval(dataTimer);
      gate.onTick = undefined;
      stopCapture?.();
      unignore();
    },
    stream.on("connection", (socket) => {
      let set = byConn.get(socket.conn.id);
      if (set === undefined) byConn.set(socket.conn.id, (set = new Set()));
      set.add(socket);
      if (!isAdmin(socket)) dataWatch.remember(socket);
      adminNsp.emit("socket_connected", serializeSocket(socket), new Date());
    }),
    stream.on("disconnection", (socket, reason) => {
      const set = byConn.get(socket.conn.id);
      set?.delete(socket);
      if (set?.size === 0) byConn.delete(socket.conn.id);
      adminNsp.emit("socket_disconnected", socket.nsp.name, socket.id, reason, new Date());
    }),
    stream.on("upgrade", (e) => {
      for (const socket of byConn.get(e.id) ?? []) {
        adminNsp.emit("socket_updated", {
          id: socket.id,
          nsp: socket.nsp.name,
          transport: e.transport,
        });
      }
    }),
    stream.on("room_joined", (nsp, room, id) =>
      adminNsp.emit("room_joined", nsp, room, id, new Date()),
    ),
    stream.on("room_left", (nsp, room, id) => {
      // After the disconnect that caused it, as the official server orders them.
      process.nextTick(() => adminNsp.emit("room_left", nsp, room, id, new Date()));
    }),
  ];
  if (gate.rate === 0) return offs;
  // The live event log: the gate decides first, so a dropped entry is never copied nor redacted.
  return [
    ...offs,
    stream.on("event_received", (socket, args) => {
      if (isAdmin(socket)) return;
      if (gate.admit())
        adminNsp.emit(
          "event_received",
          socket.nsp.name,
          socket.id,
          redactData(args) as unknown[],
          new Date(),
        );
      else pause();
    }),
    stream.on("event_sent", (socket, args) => {
      if (isAdmin(socket)) return;
      if (gate.admit())
        adminNsp.emit(
          "event_sent",
          socket.nsp.name,
          socket.id,
          redactData(args) as unknown[],
          new Date(),
        );
      else pause();
    }),
  ];
}

/** Every socket of every namespace, on every node (through `fetchSockets()`), serialized. */
async function fetchAllSockets(io: AnyServer): Promise<SerializedSocket[]> {
  const lists = await Promise.all(
    [...namespacesOf(io)].map(async (nsp) => {
      const remote = await nsp.fetchSockets().catch(() => []);
      return remote.map((r) => {
        const local = nsp.sockets.get(r.id);
        return local !== undefined ? serializeSocket(local) : serializeRemote(r, nsp.name);
      });
    }),
  );
  return lists.flat();
}
