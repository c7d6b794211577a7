import { namespacesOf, setServerProbe } from "@switchboard/server";
import debugModule from "debug";
import { TypedEmitter } from "./typed-emitter.js";
import type { AnyNamespace, AnyServer, AnySocket, EngineConnection } from "./types.js";

const debug = debugModule("socket.io-admin:stream");

/** Direction of a packet, seen from the server. */
export type Direction = "in" | "out";

/**
 * The typed instrumentation stream of a server: what the admin namespace, the dashboard and the
 * Prometheus metrics all read. Nothing here parses logs; every event comes from a hook.
 */
export interface InstrumentationEvents {
  /** A new Engine.IO session (a successful handshake). */
  handshake: (e: { id: string; transport: string; address: string }) => void;
  /** An Engine.IO session closed. */
  engine_close: (e: { id: string; transport: string; reason: string }) => void;
  /** An Engine.IO session moved to another transport. */
  upgrade: (e: { id: string; transport: string }) => void;
  /**
   * One Engine.IO packet with a payload; `event` when it is a Socket.IO EVENT / BINARY_EVENT. Only
   * emitted while someone listens; the cheaper way to follow traffic is sampling `stream.traffic`.
   */
  packet: (direction: Direction, transport: string, bytes: number, event: boolean) => void;
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

/** Cumulative traffic of one transport since the stream started (connections opened after it). */
export interface TrafficCounters {
  packetsIn: number;
  bytesIn: number;
  eventsIn: number;
  packetsOut: number;
  bytesOut: number;
  eventsOut: number;
}

const newCounters = (): TrafficCounters => ({ packetsIn: 0, bytesIn: 0, eventsIn: 0, packetsOut: 0, bytesOut: 0, eventsOut: 0 });

type AnyListener = (...args: unknown[]) => void;

/**
 * What {@link InstrumentationStream.captureEvents} returns: call it to stop capturing; `pause()` /
 * `resume()` let a consumer that has nothing to do with events for a while (the event log past its
 * budget) make them nearly free: while every capture is paused, an event only adds one to
 * {@link InstrumentationStream.skippedEvents}.
 */
export type EventCapture = (() => void) & { pause(): void; resume(): void };
type BroadcastFn = (...args: unknown[]) => unknown;

/**
 * Hooks a server once, however many consumers read it; hooks are removed when the last consumer
 * releases it, so an uninstrumented server carries no listener at all.
 */
export class InstrumentationStream extends TypedEmitter<InstrumentationEvents> {
  readonly io: AnyServer;
  /**
   * Packets, bytes and events by transport, counted in plain fields (the hot path: a few additions
   * per packet); readers sample them. The `packet` event is only emitted when someone listens.
   */
  readonly traffic = new Map<string, TrafficCounters>();
  #undo: (() => void)[] = [];
  #conns = new Map<EngineConnection, () => void>();
  #sockets = new Map<AnySocket, () => void>();
  #capture = 0;
  #pausedCaptures = 0;
  // captures on and not all paused: checked per event, so a field
  #emitEvents = false;
  /** Events seen while every capture was paused (counted instead of emitted). */
  skippedEvents = 0;
  // namespaces whose sockets are never captured (the admin namespace itself), with a use count
  #ignored = new Map<AnyNamespace, number>();
  // Fan-out counting: while a broadcast runs (synchronously), count distinct connections written to.
  #bcastSeq = 0;
  #inBroadcast = false;
  #fanOut = 0;
  #closed = false;
  // whether the per-packet `packet` event has listeners (checked per packet, so a field, not a lookup)
  #packetListened = false;

  constructor(io: AnyServer) {
    super();
    this.io = io;
    this.#countersOf("polling");
    this.#countersOf("websocket");
    if (io.engine !== undefined) this.#hookEngine();
    else {
      // instrument() may run before the server is attached to an HTTP server, as with socket.io.
      const timer = setImmediate(() => {
        if (this.#closed) return;
        if (io.engine !== undefined) this.#hookEngine();
        else debug("WARN: no engine, packet counters stay at zero");
      });
      this.#undo.push(() => clearImmediate(timer));
    }
    for (const nsp of namespacesOf(io)) this.#hookNamespace(nsp as AnyNamespace);
    const onNamespace = (nsp: AnyNamespace): void => this.#hookNamespace(nsp);
    io.on("new_namespace", onNamespace);
    this.#undo.push(() => io.off("new_namespace", onNamespace));
    setServerProbe(io, { ackTimeout: (nsp, broadcast) => this.emit("ack_timeout", nsp, broadcast) });
    this.#undo.push(() => setServerProbe(io, undefined));
  }

  /** Adds a listener (see {@link InstrumentationEvents}); returns a function that removes it. */
  override on<E extends keyof InstrumentationEvents>(event: E, listener: InstrumentationEvents[E]): () => void {
    const off = super.on(event, listener);
    this.#packetListened = this.has("packet");
    return off;
  }

  /** Removes a listener added with `on`. */
  override off<E extends keyof InstrumentationEvents>(event: E, listener: InstrumentationEvents[E]): void {
    super.off(event, listener);
    this.#packetListened = this.has("packet");
  }

  /**
   * Turn on per-event capture (`event_received` / `event_sent`, used by development mode); returns a
   * function turning it off again. Reference-counted.
   */
  captureEvents(): EventCapture {
    if (this.#capture++ === 0) for (const socket of this.#sockets.keys()) this.#hookAny(socket);
    let done = false;
    let paused = false;
    const setPaused = (p: boolean): void => {
      if (done || paused === p) return;
      paused = p;
      this.#pausedCaptures += p ? 1 : -1;
      this.#emitEvents = this.#capture > this.#pausedCaptures;
    };
    this.#emitEvents = this.#capture > this.#pausedCaptures;
    const stop = (): void => {
      if (done) return;
      setPaused(false);
      done = true;
      if (--this.#capture === 0) for (const socket of this.#sockets.keys()) this.#unhookAny(socket);
      this.#emitEvents = this.#capture > this.#pausedCaptures;
    };
    return Object.assign(stop, { pause: () => setPaused(true), resume: () => setPaused(false) });
  }

  /**
   * Never capture the events of `nsp`'s sockets (the admin namespace does not log itself); returns a
   * function undoing it.
   */
  ignoreNamespace(nsp: AnyNamespace): () => void {
    this.#ignored.set(nsp, (this.#ignored.get(nsp) ?? 0) + 1);
    for (const socket of nsp.sockets.values()) this.#unhookAny(socket);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.#ignored.get(nsp) ?? 1) - 1;
      if (n > 0) {
        this.#ignored.set(nsp, n);
        return;
      }
      this.#ignored.delete(nsp);
      if (this.#capture > 0) for (const socket of nsp.sockets.values()) if (this.#sockets.has(socket)) this.#hookAny(socket);
    };
  }

  /** Remove every hook and listener. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const undo of this.#undo.splice(0).reverse()) undo();
    for (const off of this.#conns.values()) off();
    this.#conns.clear();
    for (const [socket, off] of this.#sockets) {
      off();
      this.#unhookAny(socket);
    }
    this.#sockets.clear();
    this.removeAllListeners();
  }

  #hookEngine(): void {
    const engine = this.io.engine;
    const onConnection = (conn: EngineConnection): void => this.#hookConnection(conn);
    engine.on("connection", onConnection);
    this.#undo.push(() => engine.off("connection", onConnection));
  }

  #hookConnection(conn: EngineConnection): void {
    let transport: string = conn.transport.name;
    let counters = this.#countersOf(transport);
    this.emit("handshake", { id: conn.id, transport, address: conn.remoteAddress });
    let seen = 0;
    // Incoming traffic: the engine emits `message` for every message anyway (the `packet` event would
    // build an info object per packet). Socket.IO EVENT ("2") and BINARY_EVENT ("5") are events.
    const onIn = (d: string | Buffer): void => {
      let bytes: number;
      let event = false;
      if (typeof d === "string") {
        bytes = Buffer.byteLength(d);
        const c = d.charCodeAt(0);
        event = c === 50 || c === 53;
      } else bytes = d.byteLength;
      counters.packetsIn++;
      counters.bytesIn += bytes;
      if (event) counters.eventsIn++;
      if (this.#packetListened) this.emit("packet", "in", transport, bytes, event);
    };
    // Outgoing traffic: `send` is wrapped on this connection (an own property, removed on release)
    // rather than listening to `packetCreate`, which would build an info object and go through an
    // emitter for every message; a broadcast to N clients makes N calls, so this is the hot path.
    const send = conn.send;
    const wrappedSend = (data: unknown, options?: unknown, callback?: unknown): EngineConnection => {
      if (this.#inBroadcast && seen !== this.#bcastSeq) {
        seen = this.#bcastSeq;
        this.#fanOut++;
      }
      // a string, binary data, or a PreEncodedPacket (a broadcast) holding either in `data`
      const payload = typeof data === "string" || data instanceof Uint8Array ? data : (data as { data?: unknown } | null)?.data;
      let bytes = 0;
      let event = false;
      if (typeof payload === "string") {
        bytes = this.#byteLength(payload);
        const c = payload.charCodeAt(0);
        event = c === 50 || c === 53;
      } else if (payload instanceof Uint8Array || payload instanceof ArrayBuffer) bytes = payload.byteLength;
      counters.packetsOut++;
      counters.bytesOut += bytes;
      if (event) counters.eventsOut++;
      if (this.#packetListened) this.emit("packet", "out", transport, bytes, event);
      return (send as (d: unknown, o?: unknown, c?: unknown) => EngineConnection).call(conn, data, options, callback);
    };
    const onUpgrade = (t: { name: string }): void => {
      transport = t.name;
      counters = this.#countersOf(transport);
      this.emit("upgrade", { id: conn.id, transport });
    };
    const onClose = (reason: string): void => {
      off();
      this.emit("engine_close", { id: conn.id, transport, reason });
    };
    const off = (): void => {
      this.#conns.delete(conn);
      conn.off("message", onIn);
      if (conn.send === (wrappedSend as unknown)) delete (conn as { send?: unknown }).send;
      conn.off("upgrade", onUpgrade);
      conn.off("close", onClose);
    };
    conn.on("message", onIn);
    (conn as { send: unknown }).send = wrappedSend;
    conn.on("upgrade", onUpgrade);
    conn.on("close", onClose);
    this.#conns.set(conn, off);
  }

  // A broadcast sends the same string to every recipient: measure it once.
  #lastString = "";
  #lastBytes = 0;

  #byteLength(s: string): number {
    if (this.#inBroadcast) {
      if (s === this.#lastString) return this.#lastBytes;
      this.#lastString = s;
      return (this.#lastBytes = Buffer.byteLength(s));
    }
    return Buffer.byteLength(s);
  }

  #countersOf(transport: string): TrafficCounters {
    let c = this.traffic.get(transport);
    if (c === undefined) this.traffic.set(transport, (c = newCounters()));
    return c;
  }

  /** The traffic of every transport, summed. */
  totalTraffic(): TrafficCounters {
    const sum = newCounters();
    for (const c of this.traffic.values()) {
      sum.packetsIn += c.packetsIn;
      sum.bytesIn += c.bytesIn;
      sum.eventsIn += c.eventsIn;
      sum.packetsOut += c.packetsOut;
      sum.bytesOut += c.bytesOut;
      sum.eventsOut += c.eventsOut;
    }
    return sum;
  }

  #hookNamespace(nsp: AnyNamespace): void {
    const onConnection = (socket: AnySocket): void => {
      this.#hookSocket(socket);
      this.emit("connection", socket);
    };
    nsp.prependListener("connection", onConnection);
    const adapter = nsp.adapter;
    const onJoin = (room: string, id: string): void => this.emit("room_joined", nsp.name, room, id);
    const onLeave = (room: string, id: string): void => this.emit("room_left", nsp.name, room, id);
    adapter.on("join-room", onJoin);
    adapter.on("leave-room", onLeave);
    const restoreBroadcast = this.#wrapBroadcast(nsp);
    this.#undo.push(() => {
      nsp.off("connection", onConnection);
      adapter.off("join-room", onJoin);
      adapter.off("leave-room", onLeave);
      restoreBroadcast();
    });
    for (const socket of nsp.sockets.values()) this.#hookSocket(socket);
  }

  /**
   * Wrap the adapter's `broadcast` and `broadcastWithAck` on this instance only (the class and other
   * namespaces are untouched) to measure the fan-out of broadcasts started on this node.
   */
  #wrapBroadcast(nsp: AnyNamespace): () => void {
    const adapter = nsp.adapter as unknown as Record<string, BroadcastFn | undefined>;
    const restores = (["broadcast", "broadcastWithAck"] as const).map((name) => {
      const original = adapter[name];
      if (typeof original !== "function") return () => {};
      const hadOwn = Object.prototype.hasOwnProperty.call(adapter, name);
      const wrapped: BroadcastFn = (...args) => {
        if (this.#inBroadcast) return original.apply(adapter, args);
        this.#inBroadcast = true;
        this.#fanOut = 0;
        this.#bcastSeq++;
        try {
          return original.apply(adapter, args);
        } finally {
          this.#inBroadcast = false;
          this.emit("broadcast", nsp.name, this.#fanOut);
        }
      };
      adapter[name] = wrapped;
      return () => {
        if (adapter[name] !== wrapped) return;
        if (hadOwn) adapter[name] = original;
        else delete adapter[name];
      };
    });
    return () => {
      for (const restore of restores) restore();
    };
  }

  #hookSocket(socket: AnySocket): void {
    if (this.#sockets.has(socket)) return;
    const onDisconnect = (reason: string): void => {
      this.#sockets.delete(socket);
      this.#unhookAny(socket);
      this.emit("disconnection", socket, reason);
    };
    socket.on("disconnect", onDisconnect);
    this.#sockets.set(socket, () => socket.off("disconnect", onDisconnect));
    if (this.#capture > 0) this.#hookAny(socket);
  }

  #anyHooks = new WeakMap<AnySocket, [AnyListener, AnyListener]>();

  #hookAny(socket: AnySocket): void {
    if (this.#anyHooks.has(socket) || this.#ignored.has(socket.nsp)) return;
    const incoming: AnyListener = (...args) => {
      if (!this.#emitEvents) {
        this.skippedEvents++;
        return;
      }
      // The ack callback is the last argument when the client asked for one: not part of the event.
      if (typeof args[args.length - 1] === "function") args = args.slice(0, -1);
      this.emit("event_received", socket, args);
    };
    const outgoing: AnyListener = (...args) => {
      if (this.#emitEvents) this.emit("event_sent", socket, args);
      else this.skippedEvents++;
    };
    socket.onAny(incoming);
    socket.onAnyOutgoing(outgoing);
    this.#anyHooks.set(socket, [incoming, outgoing]);
  }

  #unhookAny(socket: AnySocket): void {
    const hooks = this.#anyHooks.get(socket);
    if (hooks === undefined) return;
    this.#anyHooks.delete(socket);
    socket.offAny(hooks[0]);
    socket.offAnyOutgoing(hooks[1]);
  }
}

const streams = new WeakMap<AnyServer, { stream: InstrumentationStream; refs: number }>();

/**
 * Get the instrumentation stream of a server, hooking it on first use. Call the returned `release`
 * when done: the last release removes every hook.
 *
 * @example
 * ```ts
 * const { stream, release } = acquireStream(io);
 * stream.on("broadcast", (nsp, fanOut) => console.log(nsp, fanOut));
 * // later
 * release();
 * ```
 */
export function acquireStream(io: AnyServer): { stream: InstrumentationStream; release: () => void } {
  let entry = streams.get(io);
  if (entry === undefined) {
    entry = { stream: new InstrumentationStream(io), refs: 0 };
    streams.set(io, entry);
  }
  entry.refs++;
  const e = entry;
  let released = false;
  return {
    stream: e.stream,
    release: () => {
      if (released) return;
      released = true;
      if (--e.refs === 0) {
        streams.delete(io);
        e.stream.close();
      }
    },
  };
}
