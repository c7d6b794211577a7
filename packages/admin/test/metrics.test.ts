import { afterEach, describe, expect, it } from "vitest";
import express from "express";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import parse, { type ParsedFamily } from "parse-prometheus-text-format";
import { Server } from "@switchboard/server";
import { Counter, Gauge, Histogram, metrics, Registry } from "@switchboard/admin";
import {
  appClient,
  BASIC,
  closeAll,
  onCleanup,
  PASSWORD,
  startServer,
  until,
  USER,
} from "./helpers.js";
import { waitUntil } from "../../../test/support/wait.js";

afterEach(closeAll);

async function scrape(url: string, headers: Record<string, string> = {}): Promise<ParsedFamily[]> {
  const res = await fetch(url, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

async function scrapeUntil(
  url: string,
  pred: (families: ParsedFamily[]) => boolean,
): Promise<ParsedFamily[]> {
  let families: ParsedFamily[] = [];
  // Bounded polling of state only a scrape shows; the last scrape is returned either way (the test asserts).
  await waitUntil(
    async () => pred((families = await scrape(url))),
    "a scrape matching the predicate",
    4000,
    20,
  ).catch(() => undefined);
  return families;
}

/** The value of the sample of `name` whose labels include `labels` (0 when absent). */
function value(
  families: ParsedFamily[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  return sample?.value === undefined ? 0 : Number(sample.value);
}

describe("/metrics", () => {
  it("serves every metric in the text format, with counters moving as clients act", async () => {
    const { url, io } = await startServer({ auth: false, mode: "production", metrics: true });
    io.of("/chat").on("connection", (socket) => {
      socket.on("say", (text: string) => io.of("/chat").emit("said", text));
      socket.on("ask", () => void socket.timeout(50).emit("question", () => {}));
    });
    const before = await scrape(`${url}/metrics`);
    const names = before.map((f) => f.name);
    for (const n of [
      "switchboard_connected_sockets",
      "switchboard_engine_clients",
      "switchboard_handshakes_total",
      "switchboard_disconnects_total",
      "switchboard_packets_total",
      "switchboard_bytes_total",
      "switchboard_events_total",
      "switchboard_broadcasts_total",
      "switchboard_broadcast_fanout",
      "switchboard_ack_timeouts_total",
      "switchboard_event_loop_lag_seconds",
    ]) {
      expect(names).toContain(n);
    }
    expect(before.find((f) => f.name === "switchboard_handshakes_total")?.type).toBe("COUNTER");
    expect(before.find((f) => f.name === "switchboard_connected_sockets")?.type).toBe("GAUGE");
    expect(value(before, "switchboard_handshakes_total", { transport: "websocket" })).toBe(0);

    const a = await appClient(url, {}, "/chat");
    const b = await appClient(url, { transports: ["polling"] }, "/chat");
    const got = new Promise<void>((resolve) => b.once("said", () => resolve()));
    a.emit("say", "hello");
    await got;
    // an ack the client never answers: the client has no "question" listener
    a.emit("ask");
    // re-scrape until the 50 ms ack timed out: waits for the event, passes whatever the timing
    const after = await scrapeUntil(
      `${url}/metrics`,
      (f) => value(f, "switchboard_ack_timeouts_total", { namespace: "/chat", kind: "socket" }) > 0,
    );
    expect(
      value(after, "switchboard_ack_timeouts_total", { namespace: "/chat", kind: "socket" }),
    ).toBe(1);
    expect(value(after, "switchboard_connected_sockets", { namespace: "/chat" })).toBe(2);
    expect(value(after, "switchboard_engine_clients")).toBe(2);
    expect(value(after, "switchboard_handshakes_total", { transport: "websocket" })).toBe(1);
    expect(value(after, "switchboard_handshakes_total", { transport: "polling" })).toBe(1);
    expect(value(after, "switchboard_connects_total", { namespace: "/chat" })).toBe(2);
    expect(value(after, "switchboard_events_total", { direction: "in" })).toBe(2);
    expect(value(after, "switchboard_events_total", { direction: "out" })).toBeGreaterThanOrEqual(
      3,
    ); // said ×2 + question
    expect(
      value(after, "switchboard_packets_total", { direction: "in", transport: "websocket" }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      value(after, "switchboard_packets_total", { direction: "out", transport: "polling" }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      value(after, "switchboard_bytes_total", { direction: "in", transport: "websocket" }),
    ).toBeGreaterThan(10);
    expect(value(after, "switchboard_broadcasts_total", { namespace: "/chat" })).toBe(1);
    // one broadcast reaching two clients (read from the text: the parser drops a histogram's labels)
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('switchboard_broadcast_fanout_bucket{namespace="/chat",le="1"} 0\n');
    expect(text).toContain('switchboard_broadcast_fanout_bucket{namespace="/chat",le="10"} 1\n');
    expect(text).toContain('switchboard_broadcast_fanout_sum{namespace="/chat"} 2\n');
    expect(Number(value(after, "switchboard_event_loop_lag_seconds"))).toBeGreaterThanOrEqual(0);

    const aId = a.id;
    expect(aId).toBeDefined();
    a.disconnect();
    await until(() => io.of("/chat").sockets.size === 1, "a gone");
    const last = await scrape(`${url}/metrics`);
    expect(
      value(last, "switchboard_disconnects_total", {
        namespace: "/chat",
        reason: "client namespace disconnect",
      }),
    ).toBe(1);
    expect(value(last, "switchboard_connected_sockets", { namespace: "/chat" })).toBe(1);
  });

  it("is protected by basic auth when asked (bcrypt hash), and the path is configurable", async () => {
    const { url } = await startServer({
      auth: false,
      metrics: { path: "/internal/metrics", auth: BASIC },
    });
    expect((await fetch(`${url}/internal/metrics`)).status).toBe(401);
    const wrong = Buffer.from(`${USER}:nope`).toString("base64");
    expect(
      (await fetch(`${url}/internal/metrics`, { headers: { authorization: `Basic ${wrong}` } }))
        .status,
    ).toBe(401);
    const right = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
    const families = await scrape(`${url}/internal/metrics`, { authorization: `Basic ${right}` });
    expect(families.length).toBeGreaterThan(5);
    // other requests still reach the server: the Engine.IO handshake works
    expect((await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).status).toBe(200);
    // guesses are rate-limited per address: after 5 failures even the right password waits
    for (let i = 0; i < 4; i++) {
      expect(
        (await fetch(`${url}/internal/metrics`, { headers: { authorization: `Basic ${wrong}` } }))
          .status,
      ).toBe(401);
    }
    expect(
      (await fetch(`${url}/internal/metrics`, { headers: { authorization: `Basic ${right}` } }))
        .status,
    ).toBe(429);
  });

  it("offers a handler for Express", async () => {
    const app = express();
    const http = createServer(app);
    const io = new Server(http);
    const m = metrics(io, { path: false });
    app.get("/prom", m.handler);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    onCleanup(async () => {
      m.close();
      const closed = io.close();
      await new Promise((r) => http.close(r));
      await closed;
    });
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    await appClient(url);
    const families = await scrape(`${url}/prom`);
    expect(value(families, "switchboard_connected_sockets", { namespace: "/" })).toBe(1);
  });
});

describe("Registry", () => {
  it("renders counters, gauges and histograms that a Prometheus parser reads back, escaping label values", () => {
    const r = new Registry();
    const c = r.register(new Counter("t_total", "A counter\nwith two lines.", ["path"]));
    c.labels('C:\\dir "x"\n').inc(2);
    r.register(new Gauge("t_gauge", "A gauge.", [], (g) => g.labels().set(1.5)));
    const h = r.register(new Histogram("t_hist", "A histogram.", ["k"], [1, 10]));
    h.observe(["a"], 0.5);
    h.observe(["a"], 5);
    h.observe(["a"], 50);
    const families = parse(r.metrics());
    expect(families.find((f) => f.name === "t_total")?.metrics[0]).toEqual({
      value: "2",
      labels: { path: 'C:\\dir "x"\n' },
    });
    expect(value(families, "t_gauge")).toBe(1.5);
    const hist = families.find((f) => f.name === "t_hist")?.metrics[0];
    expect(hist).toMatchObject({ buckets: { "1": "1", "10": "2", "+Inf": "3" } });
    expect(r.metrics()).toContain('t_hist_sum{k="a"} 55.5\nt_hist_count{k="a"} 3\n');
    expect(() => r.register(new Counter("t_total", "dup", []))).toThrow(
      expect.objectContaining({ code: "ERR_SB_ADMIN_INVALID_METRIC" }),
    );
    expect(() => c.labels()).toThrow(
      expect.objectContaining({ code: "ERR_SB_ADMIN_INVALID_METRIC" }),
    );
    expect(() => new Counter("bad-name", "x", [])).toThrow(
      expect.objectContaining({ code: "ERR_SB_ADMIN_INVALID_METRIC" }),
    );
  });
});
