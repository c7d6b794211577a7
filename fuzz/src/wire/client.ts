// Plays wire-fuzz sessions (session.ts) against a live server on 127.0.0.1:<port>, over WebSocket (`ws`) or
// long-polling (node:http), then checks the connection is still served: a CONNECT to a fresh namespace (the
// probe) must be answered, or the server must have closed the session. Silence is a failure (a stuck
// connection). Every wait is bounded; nothing is left open.
import { Agent, request } from "node:http";
import WebSocket from "ws";
import {
  probeNamespace,
  showSession,
  wireSession,
  type WireFrame,
  type WireSession,
} from "./session.js";

const HOST = "127.0.0.1";
const PATH = "/socket.io/";
/** Bound on every wait: a server that goes silent this long on one session is stuck. */
let waitMs = 5000;

export interface WireRunOptions {
  port: number;
  seed: number;
  /** Stop once this many mutated Socket.IO packets were sent. */
  packets: number;
  /** First session index (default 0); `sessions: 1` with it replays one session. */
  from?: number;
  sessions?: number;
  /** Called between sessions; throws to stop the run (e.g. the server process died). */
  between?: () => void;
  /** Bound on each wait for the server, in ms (default 5000). */
  waitMs?: number;
}

export interface WireRunResult {
  sessions: number;
  packets: number;
  mutated: number;
  /** Sessions the server closed (refused input), and sessions still answering the probe. */
  closedByServer: number;
  answered: number;
  failures: string[];
}

type SessionEnd = "answered" | "closed";

class SessionError extends Error {}

function timeout<T>(p: Promise<T>, what: string, ms = waitMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SessionError(`no answer within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, expiry]).finally(() => clearTimeout(timer));
}

// ---- WebSocket ------------------------------------------------------------------------------------------------

async function overWebSocket(port: number, s: WireSession): Promise<SessionEnd> {
  const ws = new WebSocket(`ws://${HOST}:${port}${PATH}?EIO=4&transport=websocket`);
  const frames: string[] = [];
  let closed = false;
  let wake = (): void => undefined;
  ws.on("error", () => undefined); // a reset shows up as close
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary) return;
    const text = data.toString();
    if (text === "2") ws.send("3");
    frames.push(text);
    wake();
  });
  ws.on("close", () => {
    closed = true;
    wake();
  });
  const until = (match: (f: string) => boolean, what: string): Promise<SessionEnd> =>
    timeout(
      new Promise<SessionEnd>((resolve) => {
        wake = () => {
          if (frames.some(match)) resolve("answered");
          else if (closed) resolve("closed");
        };
        wake();
      }),
      what,
    );
  try {
    if ((await until((f) => f.startsWith("0{"), "the Engine.IO open packet")) === "closed")
      throw new SessionError("closed before the open packet");
    ws.send(s.connect);
    const connected = `40${s.nsp === "/" ? "" : s.nsp + ","}`;
    if ((await until((f) => f.startsWith(connected), "the CONNECT reply")) === "closed") {
      throw new SessionError("a valid CONNECT was refused (connection closed)");
    }
    for (const group of s.groups)
      for (const f of group) if (ws.readyState === WebSocket.OPEN) ws.send(f);
    const probe = probeNamespace(s.index);
    if (ws.readyState === WebSocket.OPEN) ws.send(`40${probe},`);
    return await until(
      (f) => f.startsWith(`40${probe},`) || f.startsWith(`44${probe},`),
      "the probe CONNECT",
    );
  } finally {
    ws.terminate();
  }
}

// ---- long-polling ---------------------------------------------------------------------------------------------

interface Reply {
  status: number;
  body: string;
}

function http(agent: Agent, port: number, sid: string | undefined, body?: string): Promise<Reply> {
  const path = `${PATH}?EIO=4&transport=polling${sid === undefined ? "" : `&sid=${encodeURIComponent(sid)}`}`;
  return timeout(
    new Promise<Reply>((resolve, reject) => {
      const headers = body === undefined ? {} : { "content-type": "text/plain;charset=UTF-8" };
      const req = request(
        { host: HOST, port, path, agent, method: body === undefined ? "GET" : "POST", headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    }),
    `${body === undefined ? "GET" : "POST"} on session ${sid ?? "(handshake)"}`,
  );
}

const payloadOf = (group: WireFrame[]): string =>
  group
    .map((f) => (typeof f === "string" ? f : "b" + Buffer.from(f).toString("base64")))
    .join("\x1e");

/** GETs until a packet matches (answered), the session is gone (closed), or the bound. */
async function pollFor(
  agent: Agent,
  port: number,
  sid: string,
  match: (p: string) => boolean,
  what: string,
): Promise<SessionEnd> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const res = await http(agent, port, sid);
    if (res.status !== 200) return "closed";
    const packets = res.body.split("\x1e");
    if (packets.some(match)) return "answered";
    if (packets.includes("1")) return "closed";
  }
  throw new SessionError(`no answer within ${waitMs} ms: ${what}`);
}

async function overPolling(agent: Agent, port: number, s: WireSession): Promise<SessionEnd> {
  const open = await http(agent, port, undefined);
  if (open.status !== 200 || !open.body.startsWith("0{"))
    throw new SessionError(`handshake answered ${open.status} ${open.body.slice(0, 100)}`);
  const sid = (JSON.parse(open.body.slice(1).split("\x1e")[0]!) as { sid: string }).sid;
  let alive = true;
  try {
    if ((await http(agent, port, sid, s.connect)).status !== 200)
      throw new SessionError("the CONNECT POST was refused");
    const connected = `40${s.nsp === "/" ? "" : s.nsp + ","}`;
    if (
      (await pollFor(agent, port, sid, (p) => p.startsWith(connected), "the CONNECT reply")) ===
      "closed"
    ) {
      throw new SessionError("a valid CONNECT was refused (session closed)");
    }
    for (const group of s.groups) {
      if ((await http(agent, port, sid, payloadOf(group))).status !== 200)
        return ((alive = false), "closed");
    }
    const probe = probeNamespace(s.index);
    if ((await http(agent, port, sid, `40${probe},`)).status !== 200)
      return ((alive = false), "closed");
    const end = await pollFor(
      agent,
      port,
      sid,
      (p) => p.startsWith(`40${probe},`) || p.startsWith(`44${probe},`),
      "the probe CONNECT",
    );
    alive = end === "answered";
    return end;
  } finally {
    // The polite close, so the session does not linger until its ping timeout.
    if (alive) await http(agent, port, sid, "1").catch(() => undefined);
  }
}

// ---- the run --------------------------------------------------------------------------------------------------

/**
 * Plays sessions from `from` until `packets` mutated Socket.IO packets were sent (or `sessions` sessions).
 * Failures name the seed and session index and list the frames; `npm run fuzz -- --wire --seed S
 * --wire-session I` replays one.
 *
 * @example
 * const r = await runWireSessions({ port, seed: 1, packets: 2000 });
 */
export async function runWireSessions(opts: WireRunOptions): Promise<WireRunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  waitMs = opts.waitMs ?? 5000;
  const result: WireRunResult = {
    sessions: 0,
    packets: 0,
    mutated: 0,
    closedByServer: 0,
    answered: 0,
    failures: [],
  };
  let index = opts.from ?? 0;
  try {
    while (
      result.mutated < opts.packets &&
      (opts.sessions === undefined || result.sessions < opts.sessions)
    ) {
      opts.between?.();
      const s = wireSession(opts.seed, index++);
      result.sessions++;
      result.packets += s.packets;
      result.mutated += s.mutated;
      try {
        const end =
          s.transport === "websocket"
            ? await overWebSocket(opts.port, s)
            : await overPolling(agent, opts.port, s);
        if (end === "closed") result.closedByServer++;
        else result.answered++;
      } catch (err) {
        const what = err instanceof Error ? err.message : String(err);
        result.failures.push(
          `seed ${opts.seed} session ${s.index}: ${what}\n  frames: ${showSession(s)}\n  replay: npm run fuzz -- --wire --seed ${opts.seed} --wire-session ${s.index}`,
        );
        if (!(err instanceof SessionError)) break; // not the server's answer: something local broke
      }
    }
  } finally {
    agent.destroy();
  }
  return result;
}
