// One connect/disconnect cycle per call, of twelve kinds: complete Socket.IO sessions over polling,
// WebSocket and polling→WebSocket upgrade (CONNECT to "/", an event with an ack that joins a room,
// disconnect), and sessions reset (TCP RST) in mid-handshake or in mid-upgrade.
import { HttpConn } from "./raw-http.js";
import { WsConn } from "./raw-ws.js";

const PATH = "/socket.io/?EIO=4&transport=polling";
const SEP = "\x1e";
/** The longest any one cycle may take before it counts as hung (a bound for a hang, not a speed requirement). */
const CYCLE_LIMIT_MS = 20_000;

export const KINDS = [
  // complete sessions
  "polling",
  "websocket",
  "upgrade",
  // reset in mid-handshake
  "polling: RST after the handshake request",
  "polling: RST on the handshake response",
  "websocket: RST after the upgrade request",
  "websocket: RST on the 101",
  "polling: RST after open, before the CONNECT reply",
  "websocket: RST after open, before the CONNECT reply",
  // reset in mid-upgrade; the polling session then finishes its cycle
  "upgrade: RST before the 101",
  "upgrade: RST on the 101",
  "upgrade: RST after 2probe",
] as const;
export type Kind = (typeof KINDS)[number];

/** EVENT "join" with ack id 1, and the ACK the server answers it with (docs/protocol.md §2.2). */
const join = (room: string): string => `421["join","${room}"]`;
const ackOf = (room: string): string => `431["${room}"]`;
const isOpen = (p: string): boolean => p.startsWith("0{");
const isConnectReply = (p: string): boolean => p.startsWith('40{"sid":');
const is = (text: string) => (p: string) => p === text;

/** A polling session driven over one keep-alive connection: every GET is sent when data is due. */
class Polling {
  private constructor(
    readonly conn: HttpConn,
    readonly sid: string,
  ) {}

  static async open(conn: HttpConn): Promise<Polling> {
    const res = await conn.request("GET", PATH);
    if (res.status !== 200 || !isOpen(res.body))
      throw new Error(`handshake answered ${res.status} ${res.body}`);
    return new Polling(conn, (JSON.parse(res.body.slice(1)) as { sid: string }).sid);
  }

  get path(): string {
    return `${PATH}&sid=${this.sid}`;
  }

  async post(payload: string): Promise<void> {
    const res = await this.conn.request("POST", this.path, payload);
    if (res.status !== 200 || res.body !== "ok")
      throw new Error(`POST ${payload} answered ${res.status} ${res.body}`);
  }

  /** Polls until a packet matching `match` arrives, answering pings and skipping upgrade noops. */
  async read(match: (p: string) => boolean): Promise<string> {
    for (let round = 0; round < 100; round++) {
      const res = await this.conn.request("GET", this.path);
      if (res.status !== 200) throw new Error(`GET answered ${res.status} ${res.body}`);
      let found: string | undefined;
      let ping = false;
      for (const packet of res.body.split(SEP)) {
        if (packet === "2") ping = true;
        else if (found === undefined && match(packet)) found = packet;
        else if (packet !== "6") throw new Error(`unexpected packet ${JSON.stringify(packet)}`);
      }
      if (ping) await this.post("3");
      if (found !== undefined) return found;
    }
    throw new Error("no matching packet in 100 polls");
  }
}

/** The sockets a cycle opened, destroyed at its end whatever happened. */
class Tracker {
  readonly #sockets: Array<{ socket: { destroyed: boolean; destroy(): void } }> = [];
  track<T extends { socket: { destroyed: boolean; destroy(): void } }>(conn: T): T {
    this.#sockets.push(conn);
    return conn;
  }
  destroyAll(): void {
    for (const c of this.#sockets) if (!c.socket.destroyed) c.socket.destroy();
  }
}

async function connectedPolling(t: Tracker, port: number): Promise<Polling> {
  const p = await Polling.open(t.track(await HttpConn.open(port)));
  await p.post("40");
  await p.read(isConnectReply);
  return p;
}

/** The rest of a polling cycle: the ack round trip, then a client close (with or without DISCONNECT). */
async function finishPolling(p: Polling, room: string, i: number): Promise<void> {
  await p.post(join(room));
  await p.read(is(ackOf(room)));
  await p.post(i % 2 === 0 ? `41${SEP}1` : "1");
  await p.conn.end();
}

async function finishWebSocket(ws: WsConn, room: string, i: number): Promise<void> {
  await ws.send(join(room));
  await ws.next(is(ackOf(room)));
  if (i % 2 === 0) await ws.send("41");
  await ws.close();
}

async function cycle(kind: Kind, port: number, i: number, t: Tracker): Promise<void> {
  const room = `r${i % 257}`;
  switch (kind) {
    case "polling":
      return finishPolling(await connectedPolling(t, port), room, i);
    case "websocket": {
      const ws = t.track(await WsConn.open(port));
      await ws.next(isOpen);
      await ws.send("40");
      await ws.next(isConnectReply);
      return finishWebSocket(ws, room, i);
    }
    case "upgrade": {
      const p = await connectedPolling(t, port);
      const ws = t.track(await WsConn.open(port, { sid: p.sid }));
      await ws.send("2probe");
      await ws.next(is("3probe"));
      await ws.send("5");
      await finishWebSocket(ws, room, i);
      return p.conn.end();
    }
    case "polling: RST after the handshake request": {
      const conn = t.track(await HttpConn.open(port));
      await conn.write("GET", PATH);
      return conn.reset();
    }
    case "polling: RST on the handshake response": {
      const conn = t.track(await HttpConn.open(port));
      conn.resetOnFirstData();
      await conn.write("GET", PATH);
      return conn.closed;
    }
    case "websocket: RST after the upgrade request":
      return t.track(await WsConn.start(port)).reset();
    case "websocket: RST on the 101":
      return t.track(await WsConn.start(port, { resetOnFirstData: true })).closed;
    case "polling: RST after open, before the CONNECT reply": {
      const p = await Polling.open(t.track(await HttpConn.open(port)));
      // Even cycles wait for the POST's `ok`, so the server surely has the socket (in its rooms).
      if (i % 2 === 0) await p.post("40");
      else await p.conn.write("POST", p.path, "40");
      return p.conn.reset();
    }
    case "websocket: RST after open, before the CONNECT reply": {
      const ws = t.track(await WsConn.open(port));
      await ws.next(isOpen);
      await (i % 2 === 0 ? ws.send("40", join(room)) : ws.send("40"));
      return ws.reset();
    }
    case "upgrade: RST before the 101": {
      const p = await connectedPolling(t, port);
      await t.track(await WsConn.start(port, { sid: p.sid })).reset();
      return finishPolling(p, room, i);
    }
    case "upgrade: RST on the 101": {
      const p = await connectedPolling(t, port);
      await t.track(await WsConn.start(port, { sid: p.sid, resetOnFirstData: true })).closed;
      return finishPolling(p, room, i);
    }
    case "upgrade: RST after 2probe": {
      const p = await connectedPolling(t, port);
      const ws = t.track(await WsConn.open(port, { sid: p.sid }));
      await ws.send("2probe");
      // Odd cycles reset once the server answered the probe (it then releases polls with noops).
      if (i % 2 === 1) await ws.next(is("3probe"));
      await ws.reset();
      return finishPolling(p, room, i);
    }
  }
}

/** Runs cycle `i` (its kind is `KINDS[i % KINDS.length]`); rejects with the kind in the message. */
export async function runCycle(port: number, i: number): Promise<Kind> {
  const kind = KINDS[i % KINDS.length]!;
  const t = new Tracker();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      cycle(kind, port, i, t),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`hung for ${CYCLE_LIMIT_MS} ms`)),
          CYCLE_LIMIT_MS,
        );
      }),
    ]);
    return kind;
  } catch (err) {
    throw new Error(`cycle ${i} (${kind}): ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
    t.destroyAll();
  }
}

export interface ChurnResult {
  perKind: Record<Kind, number>;
  failed: number;
  /** The first few failures, for the report. */
  failures: string[];
}

/** Runs cycles `from` … `from + count - 1` with at most `concurrency` in flight. */
export async function churn(
  port: number,
  from: number,
  count: number,
  concurrency: number,
): Promise<ChurnResult> {
  const perKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const failures: string[] = [];
  let failed = 0;
  let next = from;
  const end = from + count;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const i = next++;
      try {
        perKind[await runCycle(port, i)]++;
      } catch (err) {
        failed++;
        if (failures.length < 10) failures.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perKind, failed, failures };
}
