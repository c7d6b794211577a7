// A minimal Engine.IO v4 / Socket.IO v5 client whose requests can land on a node other than the one that
// opened its session: the handshake goes to `ownerPort` (so that node owns the session), every later GET,
// POST and the WebSocket upgrade to `viaPort`. With viaPort === ownerPort it is the sticky case; with the
// other node's port every request is relayed by that node (issue #16). Text packets only, main namespace.
// Protocol steps: docs/protocol.md §1.3 (polling), §1.4 (handshake), §1.6 (upgrade).
import http from "node:http";
import WebSocket from "ws";

const SEP = "\x1e";
const UPGRADE_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 35_000;

/** One keep-alive pool for every routed client: at most one GET and one POST per session in flight. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent,
        headers:
          body === undefined
            ? {}
            : {
                "content-type": "text/plain;charset=UTF-8",
                "content-length": Buffer.byteLength(body),
              },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} ${text}`));
          else resolve(text);
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    // A parked GET is answered by the server's ping within pingInterval (25 s); past that, something hangs.
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error("request timeout")));
    req.end(body);
  });
}

/**
 * One Socket.IO session, opened on one node and driven through another.
 *
 * @example
 * const c = await RoutedClient.open({ ownerPort: a, viaPort: b }); // every request after the handshake via b
 * await c.echo("x");            // POST + GET, both relayed by b to a
 * await c.upgrade();            // WebSocket upgrade through b (relayed as a byte pipe)
 * await c.echo("y");            // now over the WebSocket
 * c.close();
 */
export class RoutedClient {
  sid = "";
  /** HTTP requests made after the handshake (the ones a non-owner node relays). */
  requests = 0;
  /** @type {WebSocket | null} */
  ws = null;
  #viaPort;
  #path;
  #nextAck = 0;
  #inbox = [];
  /** @type {Map<number, (packet: string) => void>} */
  #wsAcks = new Map();

  constructor(viaPort, path = "/socket.io/") {
    this.#viaPort = viaPort;
    this.#path = path;
  }

  /**
   * Handshake on `ownerPort`, then the Socket.IO CONNECT through `viaPort` (default: the owner).
   * @param {{ ownerPort: number, viaPort?: number, path?: string }} opts
   */
  static async open({ ownerPort, viaPort = ownerPort, path }) {
    const c = new RoutedClient(viaPort, path);
    const open = await request(ownerPort, "GET", `${c.#path}?EIO=4&transport=polling`);
    const [first, ...rest] = open.split(SEP);
    if (!first?.startsWith("0")) throw new Error(`unexpected handshake ${open.slice(0, 80)}`);
    c.sid = JSON.parse(first.slice(1)).sid;
    c.#inbox.push(...rest);
    await c.#post("40");
    await c.#until((p) => p.startsWith("40"));
    return c;
  }

  /** `emit("echo", data, ack)` and resolves once the ack with the same data is back (polling or WebSocket). */
  async echo(data) {
    const id = this.#nextAck++;
    const packet = `42${id}${JSON.stringify(["echo", data])}`;
    const ack = this.ws
      ? await this.#wsRoundTrip(id, packet)
      : await this.#pollRoundTrip(id, packet);
    const [echoed] = JSON.parse(ack.slice(`43${id}`.length));
    if (echoed !== data) throw new Error(`ack ${id} carried ${JSON.stringify(echoed)}`);
  }

  /** Upgrades the session to WebSocket through `viaPort`: `2probe` → `3probe` → `5` (§1.6). */
  upgrade() {
    const url = `ws://127.0.0.1:${this.#viaPort}${this.#path}?EIO=4&transport=websocket&sid=${this.sid}`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error("upgrade timeout")), UPGRADE_TIMEOUT_MS);
      const fail = (err) => {
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      // The socket keeps an 'error' listener for its whole life; before the upgrade completes it fails it.
      ws.on("error", (err) => (this.ws === ws ? this.#failAcks(err) : fail(err)));
      ws.once("close", () =>
        this.ws === ws ? this.#failAcks(new Error("closed")) : fail(new Error("probe closed")),
      );
      ws.once("open", () => ws.send("2probe"));
      ws.on("message", (data) => {
        const text = data.toString();
        if (this.ws !== ws) {
          if (text !== "3probe") return fail(new Error(`unexpected probe answer ${text}`));
          ws.send("5");
          this.ws = ws;
          clearTimeout(timer);
          return resolve();
        }
        this.#onWsPacket(text);
      });
    });
  }

  /** Closes the session (close packet), without waiting. */
  close() {
    if (this.ws) {
      this.ws.close();
      return;
    }
    this.#post("1").catch(() => {});
  }

  #onWsPacket(text) {
    if (text === "2") return this.ws?.send("3");
    const m = /^43(\d+)/.exec(text);
    if (!m) return;
    const id = Number(m[1]);
    const cb = this.#wsAcks.get(id);
    this.#wsAcks.delete(id);
    cb?.(text);
  }

  #failAcks(err) {
    for (const cb of this.#wsAcks.values()) cb(err);
    this.#wsAcks.clear();
  }

  #wsRoundTrip(id, packet) {
    return new Promise((resolve, reject) => {
      this.#wsAcks.set(id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
      this.ws.send(packet);
    });
  }

  async #pollRoundTrip(id, packet) {
    await this.#post(packet);
    const prefix = `43${id}[`;
    return this.#until((p) => p.startsWith(prefix));
  }

  #url() {
    return `${this.#path}?EIO=4&transport=polling&sid=${this.sid}`;
  }

  #post(body) {
    this.requests++;
    return request(this.#viaPort, "POST", this.#url(), body);
  }

  async #until(match) {
    for (;;) {
      const i = this.#inbox.findIndex(match);
      if (i >= 0) return this.#inbox.splice(i, 1)[0];
      this.requests++;
      const text = await request(this.#viaPort, "GET", this.#url());
      for (const p of text.split(SEP)) {
        if (p === "2") await this.#post("3");
        else if (p === "1") throw new Error("server closed the session");
        else if (p !== "6") this.#inbox.push(p);
      }
    }
  }
}
