// Bad input from a raw client (docs/protocol.md §2.7): each case closes only the offending connection while a
// witness client on the same server keeps working.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import type { ServerSocket, Started } from "./helpers.js";
import { cleanup, connectPair, once, startServer, type Pair } from "./helpers.js";
import { RawClient } from "./raw-client.js";

afterEach(cleanup.run);

const placeholder = (num: number) => `{"_placeholder":true,"num":${num}}`;
const ws = { label: "websocket", transports: ["websocket" as const] };

interface BadCase {
  label: string;
  frames: (string | Buffer)[];
  /** A Socket.IO decoder error: the server socket also gets an `error` event. */
  decodeError: boolean;
}

// Server disconnect reasons. socket.io 4.8 closes the Engine.IO connection itself, so its sockets see
// "forced close" for everything. Switchboard names a decoder error for what it is, "parse error"
// (issue 3, docs/protocol.md §3), and keeps "forced close" for packets that are valid but out of place.
function reasonFor(impl: { name: string }, decodeError: boolean): string {
  return decodeError && impl.name === "switchboard" ? "parse error" : "forced close";
}

const cases: BadCase[] = [
  { label: "unknown packet type '4x'", frames: ["4x"], decodeError: true },
  { label: "packet type out of range '49'", frames: ["49"], decodeError: true },
  { label: "EVENT with an object payload '42{}'", frames: ["42{}"], decodeError: true },
  { label: "non-numeric ack id '42abc[\"x\"]'", frames: ['42abc["x"]'], decodeError: true },
  { label: "invalid JSON '42[\"x\"'", frames: ['42["x"'], decodeError: true },
  { label: "empty EVENT array '42[]'", frames: ["42[]"], decodeError: true },
  { label: "non-string event name '42[{}]'", frames: ["42[{}]"], decodeError: true },
  {
    label: "reserved event name '42[\"disconnect\"]'",
    frames: ['42["disconnect"]'],
    decodeError: true,
  },
  { label: "reserved event name '42[\"connect\"]'", frames: ['42["connect"]'], decodeError: true },
  { label: "DISCONNECT with a payload '41{}'", frames: ["41{}"], decodeError: true },
  {
    label: "CONNECT with an array payload '40/admin,[1]'",
    frames: ["40/admin,[1]"],
    decodeError: true,
  },
  {
    label: "CONNECT with a string payload '40/admin,\"x\"'",
    frames: ['40/admin,"x"'],
    decodeError: true,
  },
  { label: "negative-looking ack id '42-1[\"x\"]'", frames: ['42-1["x"]'], decodeError: true },
  { label: "ACK with an object payload '431{}'", frames: ["431{}"], decodeError: true },
  {
    label: "too many attachments (11 > maxAttachments 10)",
    frames: [`4511-["x",${Array.from({ length: 11 }, (_, i) => placeholder(i)).join(",")}]`],
    decodeError: true,
  },
  {
    label: "binary frame with no pending BINARY_EVENT",
    frames: [Buffer.from([1, 2, 3])],
    decodeError: true,
  },
  {
    label: "text frame while attachments are pending",
    frames: [`451-["x",${placeholder(0)}]`, '42["y"]'],
    decodeError: true,
  },
  {
    label: "placeholder index out of range",
    frames: [`451-["x",${placeholder(5)}]`, Buffer.from([1])],
    decodeError: true,
  },
  { label: "CONNECT_ERROR sent by a client", frames: ['44{"message":"x"}'], decodeError: false },
  {
    label: "EVENT for a namespace the client has not joined",
    frames: ['42/admin,["x"]'],
    decodeError: false,
  },
  { label: "second CONNECT for the same namespace", frames: ["40"], decodeError: false },
];

/** A server with `/admin`, a witness client on `/`, and a raw client connected to `/`. */
async function scene(Server: Parameters<typeof startServer>[0], opts = {}) {
  const started = await startServer(Server, opts);
  started.io.of("/admin");
  started.io.on("connection", (s) => s.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x)));
  const witness = await connectPair(started, ws);
  const connection = once(started.io, "connection");
  const raw = await RawClient.open(started.port);
  await raw.connect();
  const [victim] = (await connection) as [ServerSocket];
  return { started, witness, raw, victim };
}

async function witnessStillWorks(started: Started, witness: Pair): Promise<void> {
  expect(witness.client.connected).toBe(true);
  expect(witness.server.connected).toBe(true);
  await expect(witness.client.timeout(2000).emitWithAck("echo", "alive")).resolves.toBe("alive");
  const got = once(witness.client, "ping-back");
  started.io.emit("ping-back", 1);
  expect(await got).toEqual([1]);
  expect(started.io.engine.clientsCount).toBe(1);
}

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe("bad input closes only the offending connection", () => {
    it.each(cases)("$label", async ({ frames, decodeError }) => {
      const { started, witness, raw, victim } = await scene(Server);
      const errors: unknown[] = [];
      victim.on("error", (err: unknown) => errors.push(err));
      const gone = once(victim, "disconnect");
      for (const frame of frames) raw.send(frame);
      await raw.closedWithin();
      const [why] = await gone;
      expect(victim.connected).toBe(false);
      if (decodeError) {
        expect(errors).toHaveLength(1);
        expect(errors[0]).toBeInstanceOf(Error);
      }
      await witnessStillWorks(started, witness);
      expect(why).toBe(reasonFor(impl, decodeError)); // checked last so that a reason mismatch does not hide the rest
    });

    it("a decoder error closes every namespace of that connection", async () => {
      const { started, witness, raw, victim } = await scene(Server);
      const adminConn = once(started.io.of("/admin"), "connection");
      await raw.connect("/admin");
      const [adminVictim] = (await adminConn) as [ServerSocket];
      victim.on("error", () => {});
      adminVictim.on("error", () => {});
      const gone = Promise.all([once(victim, "disconnect"), once(adminVictim, "disconnect")]);
      raw.send("42{}");
      await raw.closedWithin();
      const reasons = (await gone).map((r) => r[0]);
      await witnessStillWorks(started, witness);
      expect(reasons).toEqual([reasonFor(impl, true), reasonFor(impl, true)]);
    });

    it("no CONNECT within connectTimeout closes the connection; connected clients stay", async () => {
      const started = await startServer(Server, { connectTimeout: 200 });
      started.io.on("connection", (s) =>
        s.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x)),
      );
      const witness = await connectPair(started, ws);
      const raw = await RawClient.open(started.port);
      expect(raw.isOpen).toBe(true);
      await raw.closedWithin(3000);
      // The witness connected earlier than the raw client, so its own connectTimeout has passed too.
      await witnessStillWorks(started, witness);
    });

    it("a connection that only tried an invalid namespace is still closed at connectTimeout", async () => {
      const started = await startServer(Server, { connectTimeout: 200 });
      const raw = await RawClient.open(started.port);
      raw.send("40/nowhere,");
      expect(await raw.next()).toBe('44/nowhere,{"message":"Invalid namespace"}');
      await raw.closedWithin(3000);
    });

    it("a connection refused by middleware is still closed at connectTimeout", async () => {
      const started = await startServer(Server, { connectTimeout: 200 });
      started.io.use((_socket, next) => next(new Error("no")));
      const raw = await RawClient.open(started.port);
      raw.send("40");
      expect(await raw.next()).toBe('44{"message":"no"}');
      await raw.closedWithin(3000);
    });

    it("a raw client that connects in time is not closed by connectTimeout", async () => {
      const started = await startServer(Server, {
        connectTimeout: 100,
        pingInterval: 50,
        pingTimeout: 200,
      });
      const raw = await RawClient.open(started.port, { autoPong: false });
      await raw.connect();
      // Three ping intervals (> connectTimeout) pass while we answer the pings: no sleeping needed.
      for (let i = 0; i < 3; i++) {
        await raw.next((f) => f === "2");
        raw.send("3");
      }
      expect(raw.isOpen).toBe(true);
      expect(started.io.of("/").sockets.size).toBe(1);
    });

    it("over HTTP long-polling, a decoder error closes that session only", async () => {
      const started = await startServer(Server);
      started.io.on("connection", (s) =>
        s.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x)),
      );
      const witness = await connectPair(started, { label: "polling", transports: ["polling"] });
      const base = `${started.url}/socket.io/?EIO=4&transport=polling`;
      const open = await (await fetch(base)).text();
      const url = `${base}&sid=${(JSON.parse(open.slice(1)) as { sid: string }).sid}`;
      const connection = once(started.io, "connection");
      expect((await fetch(url, { method: "POST", body: "40" })).status).toBe(200);
      const [victim] = (await connection) as [ServerSocket];
      expect(await (await fetch(url)).text()).toMatch(/^40\{"sid":/);
      victim.on("error", () => {});
      const gone = once(victim, "disconnect");
      await fetch(url, { method: "POST", body: "42{}" });
      // The close is flushed to the next GET (the reference waits for one), then the sid is unknown (code 1).
      const poll = fetch(url);
      const [why] = await gone;
      let res = await poll;
      if (res.status === 200) {
        expect((await res.text()).split("\x1e")).toContain("1");
        res = await fetch(url);
      }
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ code: 1, message: "Session ID unknown" });
      await witnessStillWorks(started, witness);
      expect(why).toBe(reasonFor(impl, true));
    });

    it("a broken Engine.IO packet closes only that connection", async () => {
      const { started, witness, raw, victim } = await scene(Server);
      const gone = once(victim, "disconnect");
      raw.send("9nonsense");
      await raw.closedWithin();
      expect((await gone)[0]).toBe("parse error");
      await witnessStillWorks(started, witness);
    });
  });
});
