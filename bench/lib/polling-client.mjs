// A minimal Engine.IO v4 long-polling client (text packets only) for the polling-transport echo scenario:
// handshake GET, CONNECT by POST, then POST an event with ack and GET until the ack arrives. Pings found in a
// GET are answered by POST "3". Never upgrades.
import http from "node:http";

const SEP = "\x1e";

/** Shared keep-alive pool: a polling client holds at most one GET and one POST at a time. */
export const pollingAgent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function request(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent: pollingAgent,
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
    req.end(body);
  });
}

/**
 * One Socket.IO connection over HTTP long-polling.
 *
 * @example
 * const c = await PollingClient.connect(3000);
 * const [reply] = await c.emitWithAck("echo", "hi");
 * await c.close();
 */
export class PollingClient {
  sid = "";
  id = "";
  #port;
  #path;
  #nextAck = 0;
  /** Packets already read by a GET but not consumed. */
  #inbox = [];

  constructor(port, path = "/socket.io/") {
    this.#port = port;
    this.#path = path;
  }

  static async connect(port, opts = {}) {
    const c = new PollingClient(port, opts.path);
    const open = await request(port, "GET", `${c.#path}?EIO=4&transport=polling`);
    const [first, ...rest] = open.split(SEP);
    if (!first?.startsWith("0")) throw new Error(`unexpected handshake ${open.slice(0, 80)}`);
    c.sid = JSON.parse(first.slice(1)).sid;
    c.#inbox.push(...rest);
    await c.#post("40");
    const connect = await c.#until((p) => p.startsWith("40"));
    c.id = JSON.parse(connect.slice(2)).sid;
    return c;
  }

  /** Sends `42<id>[event, ...args]` and resolves with the ack's arguments. */
  async emitWithAck(event, ...args) {
    const id = this.#nextAck++;
    await this.#post(`42${id}${JSON.stringify([event, ...args])}`);
    const prefix = `43${id}[`;
    const ack = await this.#until((p) => p.startsWith(prefix));
    return JSON.parse(ack.slice(prefix.length - 1));
  }

  /** Sends the Engine.IO close packet. */
  async close() {
    await this.#post("1").catch(() => {});
  }

  #url() {
    return `${this.#path}?EIO=4&transport=polling&sid=${this.sid}`;
  }

  #post(body) {
    return request(this.#port, "POST", this.#url(), body);
  }

  async #until(match) {
    for (;;) {
      const i = this.#inbox.findIndex(match);
      if (i >= 0) return this.#inbox.splice(i, 1)[0];
      const text = await request(this.#port, "GET", this.#url());
      for (const p of text.split(SEP)) {
        if (p === "2") await this.#post("3");
        else if (p === "1") throw new Error("server closed the session");
        else if (p !== "6") this.#inbox.push(p);
      }
    }
  }
}
