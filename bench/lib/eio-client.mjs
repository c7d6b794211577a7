// The load generator's client: a minimal Engine.IO v4 / Socket.IO v5 client over `ws`, main namespace only.
// It does the least a correct client must (answer pings, SIO CONNECT, events, acks, binary attachments) so
// that one process can drive thousands of sockets without becoming the bottleneck. Checked against the
// official socket.io-client by test/bench/client.test.ts.
import WebSocket from "ws";

const OPEN_TIMEOUT_MS = 10_000;

/**
 * One Socket.IO connection over a WebSocket.
 *
 * @example
 * const s = await WsClient.connect(3000);
 * const [reply] = await s.emitWithAck("echo", "hi");
 * s.close();
 */
export class WsClient {
  /** Engine.IO session id. */
  sid = "";
  /** Socket.IO socket id. */
  id = "";
  /** @type {Map<string, (args: unknown[]) => void>} */
  #handlers = new Map();
  /** @type {Map<number, (args: unknown[]) => void>} */
  #acks = new Map();
  #nextAck = 0;
  /** A binary packet waiting for its attachments. */
  #pending = null;
  #onConnect = null;
  #onFail = null;
  /** @type {WebSocket} */
  ws;
  closed;

  constructor(url, wsOptions = {}) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, ...wsOptions });
    this.closed = new Promise((resolve) => this.ws.once("close", () => resolve()));
    this.ws.on("error", (err) => this.#onFail?.(err));
    this.ws.once("close", () => this.#onFail?.(new Error("closed before connect")));
    this.ws.on("message", (data, isBinary) =>
      isBinary ? this.#onBinary(data) : this.#onText(data.toString()),
    );
  }

  /**
   * Opens a WebSocket to `ws://host:port/socket.io/` and completes the Engine.IO and Socket.IO handshakes.
   *
   * @param {number} port
   * @param {{ host?: string, path?: string, localAddress?: string, timeout?: number }} [opts]
   * @returns {Promise<WsClient>}
   */
  static connect(port, opts = {}) {
    const host = opts.host ?? "127.0.0.1";
    const path = opts.path ?? "/socket.io/";
    const wsOptions = opts.localAddress ? { localAddress: opts.localAddress } : {};
    const c = new WsClient(`ws://${host}:${port}${path}?EIO=4&transport=websocket`, wsOptions);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error("connect timeout")),
        opts.timeout ?? OPEN_TIMEOUT_MS,
      );
      const fail = (err) => {
        clearTimeout(timer);
        c.#onConnect = c.#onFail = null;
        c.ws.terminate();
        reject(err);
      };
      c.#onFail = fail;
      c.#onConnect = () => {
        clearTimeout(timer);
        c.#onConnect = c.#onFail = null;
        resolve(c);
      };
    });
  }

  /** Registers the one handler for `event`; it receives the argument array. */
  on(event, fn) {
    this.#handlers.set(event, fn);
    return this;
  }

  /** Sends an event without ack. Top-level Buffer arguments travel as binary attachments. */
  emit(event, ...args) {
    this.#send(event, args, undefined);
  }

  /** Sends an event and calls `fn(args)` with the ack's arguments. */
  emitCb(event, args, fn) {
    const id = this.#nextAck++;
    this.#acks.set(id, fn);
    this.#send(event, args, id);
  }

  /** @returns {Promise<unknown[]>} the ack's arguments */
  emitWithAck(event, ...args) {
    return new Promise((resolve) => this.emitCb(event, args, resolve));
  }

  /** Sends a pre-encoded Socket.IO text packet (e.g. `42["bcast","x"]`) as is. */
  sendRaw(packet) {
    this.ws.send(packet);
  }

  close() {
    this.ws.close();
    return this.closed;
  }

  terminate() {
    this.ws.terminate();
  }

  #send(event, args, ackId) {
    const buffers = [];
    const data = [event];
    for (const a of args) {
      if (Buffer.isBuffer(a)) {
        data.push({ _placeholder: true, num: buffers.length });
        buffers.push(a);
      } else data.push(a);
    }
    const id = ackId === undefined ? "" : String(ackId);
    if (buffers.length === 0) {
      this.ws.send(`42${id}${JSON.stringify(data)}`);
      return;
    }
    this.ws.send(`45${buffers.length}-${id}${JSON.stringify(data)}`);
    for (const b of buffers) this.ws.send(b);
  }

  #onText(s) {
    const t = s.charCodeAt(0);
    if (t === 0x32 /* 2 ping */) {
      this.ws.send("3");
      return;
    }
    if (t === 0x30 /* 0 open */) {
      this.sid = JSON.parse(s.slice(1)).sid;
      this.ws.send("40");
      return;
    }
    if (t === 0x31 /* 1 close */) {
      this.ws.close();
      return;
    }
    if (t !== 0x34 /* 4 message */) return;
    const p = s.charCodeAt(1);
    if (p === 0x30 /* 0 CONNECT */) {
      this.id = JSON.parse(s.slice(2)).sid;
      this.#onConnect?.();
    } else if (p === 0x32 /* 2 EVENT */ || p === 0x33 /* 3 ACK */) {
      this.#dispatch(p === 0x33, s, 2, null);
    } else if (p === 0x35 /* 5 BINARY_EVENT */ || p === 0x36 /* 6 BINARY_ACK */) {
      const dash = s.indexOf("-", 2);
      this.#pending = {
        ack: p === 0x36,
        s,
        start: dash + 1,
        want: Number(s.slice(2, dash)),
        bufs: [],
      };
    } else if (p === 0x34 /* 4 CONNECT_ERROR */) {
      this.#onFail?.(new Error(`connect_error ${s.slice(2)}`));
    }
  }

  #onBinary(buf) {
    const pend = this.#pending;
    if (!pend) return;
    pend.bufs.push(buf);
    if (pend.bufs.length < pend.want) return;
    this.#pending = null;
    this.#dispatch(pend.ack, pend.s, pend.start, pend.bufs);
  }

  #dispatch(isAck, s, start, bufs) {
    // An optional ack id (digits) precedes the JSON array.
    let i = start;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    const id = i > start ? Number(s.slice(start, i)) : undefined;
    let data = JSON.parse(s.slice(i));
    if (bufs) data = fill(data, bufs);
    if (isAck) {
      const fn = this.#acks.get(id);
      if (fn) {
        this.#acks.delete(id);
        fn(data);
      }
      return;
    }
    const fn = this.#handlers.get(data[0]);
    if (fn) fn(data.slice(1), id);
  }
}

function fill(v, bufs) {
  if (Array.isArray(v)) return v.map((x) => fill(x, bufs));
  if (v && typeof v === "object") {
    if (v._placeholder === true && typeof v.num === "number") return bufs[v.num];
    const out = {};
    for (const k of Object.keys(v)) out[k] = fill(v[k], bufs);
    return out;
  }
  return v;
}
