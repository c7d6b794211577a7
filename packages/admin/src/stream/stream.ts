import {
  DiagnosticsChannels,
  type CloseMessage,
  type HandshakeMessage,
  type PacketMessage,
  type Socket as EngineSocket,
  type UpgradeMessage,
} from "@switchboard/engine";
import {
  namespacesOf,
  ServerChannels,
  type AckTimeoutMessage,
  type BroadcastMessage,
  type ConnectionMessage,
  type DisconnectMessage,
  type EventMessage,
  type RoomMessage,
} from "@switchboard/server";
import { isAdminNamespace } from "../admin-namespace.js";
import { TypedEmitter } from "../typed-emitter.js";
import type { AnyNamespace, AnyServer, AnySocket } from "../types.js";
import { SocketCapture, type CaptureSink } from "./capture.js";
import { subscribeAll } from "./channels.js";
import { newCounters, sumCounters, type TrafficCounters } from "./traffic.js";

/** Direction of a packet, seen from the server. */
export type Direction = "in" | "out";

/**
 * The typed instrumentation stream of a server: what the admin namespace, the dashboard and the
 * Prometheus metrics all read. Fed by the engine's and the server's diagnostics channels, never by
 * wrapping a method or parsing logs.
 */
export interface InstrumentationEvents {
  /** A new Engine.IO session (a successful handshake). */
  handshake: (e: { id: string; transport: string; address: string }) => void;
  /** An Engine.IO session closed. */
  engine_close: (e: { id: string; transport: string; reason: string }) => void;
  /** An Engine.IO session moved to another transport. */
  upgrade: (e: { id: string; transport: string }) => void;
  /**
   * One counted Engine.IO packet (one carrying data, see {@link TrafficCounters}) and its data's bytes.
   * Only emitted while someone listens; the cheaper way to follow traffic is sampling `stream.traffic`.
   */
  packet: (direction: Direction, transport: string, bytes: number) => void;
  /** A socket joined a namespace. */
  connection: (socket: AnySocket) => void;
  /** A socket left its namespace. */
  disconnection: (socket: AnySocket, reason: string) => void;
  room_joined: (nsp: string, room: string, id: string) => void;
  room_left: (nsp: string, room: string, id: string) => void;
  /** An event received from a client (only while {@link InstrumentationStream.captureEvents} is on). */
  event_received: (socket: AnySocket, args: unknown[]) => void;
  /** An event sent to a client (only while {@link InstrumentationStream.captureEvents} is on). */
  event_sent: (socket: AnySocket, args: unknown[]) => void;
  /** A broadcast started on this node reached `fanOut` local clients. */
  broadcast: (nsp: string, fanOut: number) => void;
  /** An acknowledgement timed out. */
  ack_timeout: (nsp: string, broadcast: boolean) => void;
}

/**
 * What {@link InstrumentationStream.captureEvents} returns: call it to stop capturing; `pause()` /
 * `resume()` let a consumer that has nothing to do with events for a while (the event log past its
 * budget) make them nearly free: while every capture is paused, an event only adds one to
 * {@link InstrumentationStream.skippedEvents}.
 */
export type EventCapture = (() => void) & { pause(): void; resume(): void };

/**
 * Subscribes to the diagnostics channels once per server, however many consumers read it, and keeps
 * only the messages of its own server (an identity check on the message's session, socket or adapter:
 * channels are process-wide). Unsubscribed when the last consumer releases it.
 */
export class InstrumentationStream extends TypedEmitter<InstrumentationEvents> {
  readonly io: AnyServer;
  /**
   * Packets, bytes and events by transport, counted in plain fields (a few additions per packet);
   * readers sample them. The `packet` event is only emitted when someone listens.
   */
  readonly traffic = new Map<string, TrafficCounters>();
  /** Events seen while every capture was paused (counted instead of emitted). */
  skippedEvents = 0;
  readonly #capture: SocketCapture;
  #captures = 0;
  #pausedCaptures = 0;
  #emitEvents = false;
  // whether the per-packet `packet` event has listeners (read per packet, so a field)
  #packetListened = false;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(io: AnyServer) {
    super();
    this.io = io;
    this.#countersOf("polling");
    this.#countersOf("websocket");
    const isEmitting = (): boolean => this.#emitEvents;
    const sink: CaptureSink = {
      get emitting() {
        return isEmitting();
      },
      received: (socket, args) => this.emit("event_received", socket, args),
      sent: (socket, args) => this.emit("event_sent", socket, args),
      skipped: () => void this.skippedEvents++,
    };
    this.#capture = new SocketCapture(sink);
    this.#unsubscribe = subscribeAll([
      [DiagnosticsChannels.handshake, (m) => this.#onHandshake(m as HandshakeMessage)],
      [DiagnosticsChannels.packetIn, (m) => this.#onPacket(m as PacketMessage, "in")],
      [DiagnosticsChannels.packetOut, (m) => this.#onPacket(m as PacketMessage, "out")],
      [DiagnosticsChannels.upgrade, (m) => this.#onUpgrade(m as UpgradeMessage)],
      [DiagnosticsChannels.close, (m) => this.#onClose(m as CloseMessage)],
      [ServerChannels.connection, (m) => this.#onConnection(m as ConnectionMessage)],
      [ServerChannels.disconnect, (m) => this.#onDisconnect(m as DisconnectMessage)],
      [ServerChannels.join, (m) => this.#onRoom(m as RoomMessage, "room_joined")],
      [ServerChannels.leave, (m) => this.#onRoom(m as RoomMessage, "room_left")],
      [ServerChannels.event, (m) => this.#onEvent(m as EventMessage)],
      [ServerChannels.broadcast, (m) => this.#onBroadcast(m as BroadcastMessage)],
      [ServerChannels.ackTimeout, (m) => this.#onAckTimeout(m as AckTimeoutMessage)],
    ]);
  }

  /** Adds a listener (see {@link InstrumentationEvents}); returns a function that removes it. */
  override on<E extends keyof InstrumentationEvents>(
    event: E,
    listener: InstrumentationEvents[E],
  ): () => void {
    const off = super.on(event, listener);
    this.#packetListened = this.has("packet");
    return off;
  }

  /** Removes a listener added with `on`. */
  override off<E extends keyof InstrumentationEvents>(
    event: E,
    listener: InstrumentationEvents[E],
  ): void {
    super.off(event, listener);
    this.#packetListened = this.has("packet");
  }

  /** The traffic of every transport, summed. */
  totalTraffic(): TrafficCounters {
    return sumCounters(this.traffic.values());
  }

  /**
   * Turn on per-event capture (`event_received` / `event_sent`, used by development mode); returns a
   * function turning it off again. Reference-counted.
   */
  captureEvents(): EventCapture {
    if (this.#captures++ === 0) this.#forEachSocket((s) => this.#capture.hook(s));
    let done = false;
    let paused = false;
    const setPaused = (p: boolean): void => {
      if (done || paused === p) return;
      paused = p;
      this.#pausedCaptures += p ? 1 : -1;
      this.#emitEvents = this.#captures > this.#pausedCaptures;
    };
    this.#emitEvents = this.#captures > this.#pausedCaptures;
    const stop = (): void => {
      if (done) return;
      setPaused(false);
      done = true;
      if (--this.#captures === 0) this.#forEachSocket((s) => this.#capture.unhook(s));
      this.#emitEvents = this.#captures > this.#pausedCaptures;
    };
    return Object.assign(stop, { pause: () => setPaused(true), resume: () => setPaused(false) });
  }

  /**
   * Never capture the events of `nsp`'s sockets (the admin namespace does not log itself); returns a
   * function undoing it.
   */
  ignoreNamespace(nsp: AnyNamespace): () => void {
    if (this.#capture.ignore(nsp))
      for (const socket of nsp.sockets.values()) this.#capture.unhook(socket);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (this.#capture.unignore(nsp) && this.#captures > 0)
        for (const socket of nsp.sockets.values()) this.#capture.hook(socket);
    };
  }

  /** Unsubscribe from every channel and remove every listener. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#forEachSocket((s) => this.#capture.unhook(s));
    this.removeAllListeners();
  }

  // ---- filters: channels are process-wide, several servers may share the process ----

  #mine(session: EngineSocket): boolean {
    return session.server === this.io.engine;
  }

  #mySocket(socket: AnySocket): boolean {
    return socket.nsp.server === this.io;
  }

  // broadcasts and ack timeouts carry no socket: their namespace's adapter tells the servers apart
  #myAdapter(adapter: unknown): boolean {
    for (const nsp of namespacesOf(this.io)) if (nsp.adapter === adapter) return true;
    return false;
  }

  // ---- engine ----

  #onHandshake(m: HandshakeMessage): void {
    if (this.#mine(m.socket))
      this.emit("handshake", {
        id: m.socket.id,
        transport: m.transport,
        address: m.socket.remoteAddress,
      });
  }

  #onPacket(m: PacketMessage, direction: Direction): void {
    // Counted as @socket.io/admin-ui counts: packets with data, the data's bytes. Its listener is attached
    // after the handshake, so the open packet is never counted there: nor here.
    const bytes = m.dataLength;
    if (bytes === 0 || m.type === "open" || !this.#mine(m.socket)) return;
    const transport = m.socket.transport.name;
    const counters = this.#countersOf(transport);
    if (direction === "in") {
      counters.packetsIn++;
      counters.bytesIn += bytes;
    } else {
      counters.packetsOut++;
      counters.bytesOut += bytes;
    }
    if (this.#packetListened) this.emit("packet", direction, transport, bytes);
  }

  #onUpgrade(m: UpgradeMessage): void {
    if (this.#mine(m.socket)) this.emit("upgrade", { id: m.socket.id, transport: m.to });
  }

  #onClose(m: CloseMessage): void {
    if (this.#mine(m.socket))
      this.emit("engine_close", {
        id: m.socket.id,
        transport: m.socket.transport.name,
        reason: m.reason,
      });
  }

  // ---- server ----

  #onConnection(m: ConnectionMessage): void {
    if (!this.#mySocket(m.socket)) return;
    if (this.#captures > 0) this.#capture.hook(m.socket);
    this.emit("connection", m.socket);
  }

  #onDisconnect(m: DisconnectMessage): void {
    if (!this.#mySocket(m.socket)) return;
    this.#capture.unhook(m.socket);
    this.emit("disconnection", m.socket, m.reason);
  }

  #onRoom(m: RoomMessage, event: "room_joined" | "room_left"): void {
    if (this.#mySocket(m.socket)) this.emit(event, m.nsp, String(m.room), m.socket.id);
  }

  #onEvent(m: EventMessage): void {
    // The admin namespace's own traffic (`server_stats` to each page, the log, the pages' actions) is not
    // the app's: left out of `events_total` and the page's events figures.
    if (!this.#mySocket(m.socket) || isAdminNamespace(this.io, m.nsp)) return;
    const counters = this.#countersOf(m.socket.conn.transport.name);
    if (m.direction === "in") counters.eventsIn++;
    else counters.eventsOut++;
  }

  #onBroadcast(m: BroadcastMessage): void {
    if (this.#myAdapter(m.adapter)) this.emit("broadcast", m.nsp, m.packets);
  }

  #onAckTimeout(m: AckTimeoutMessage): void {
    if (this.#myAdapter(m.adapter)) this.emit("ack_timeout", m.nsp, m.broadcast);
  }

  #forEachSocket(fn: (socket: AnySocket) => void): void {
    for (const nsp of namespacesOf(this.io))
      for (const socket of nsp.sockets.values()) fn(socket as AnySocket);
  }

  #countersOf(transport: string): TrafficCounters {
    let c = this.traffic.get(transport);
    if (c === undefined) this.traffic.set(transport, (c = newCounters()));
    return c;
  }
}
