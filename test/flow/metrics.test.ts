// Flow-control metrics (issue #18) on the admin package's /metrics: drains, conflations, rate-limited events
// by bounded label, refused handshakes, sockets over the mark, queued bytes.
import { get } from "node:http";
import { afterEach, expect, it } from "vitest";
import { metrics } from "@switchboard/admin";
import { closeAll, connect, stall, start, turn, waitFor } from "./helpers.js";

afterEach(closeAll);

function scrape(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${url}/metrics`, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

function value(body: string, series: string): number {
  const line = body.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

it("exports the flow counters with bounded labels", async () => {
  const s = await start({
    backpressure: { highWaterMark: 64 * 1024 },
    rateLimit: {
      points: 1,
      duration: 60_000,
      disconnectAt: 100,
      events: { chat: { points: 1, duration: 60_000 } },
    },
    handshakeRate: { points: 2, duration: 60_000 },
  });
  const m = metrics(s.io);
  try {
    const { client, socket } = await connect(s, "websocket");
    socket.on("error", () => {});
    const second = await connect(s, "polling");
    client.emit("chat");
    client.emit("chat");
    for (let i = 0; i < 5; i++) client.emit(`x${i}`);
    // The handshake budget (2) is spent: the next official client is refused with 429.
    const refused = (await import("socket.io-client")).io(s.url, {
      transports: ["polling"],
      reconnection: false,
      forceNew: true,
    });
    await waitFor(refused, "connect_error");
    refused.close();
    // Over the mark, conflated, then drained.
    const resume = stall(second.client);
    const chunk = "c".repeat(16 * 1024);
    while (second.socket.emit("fill", chunk)) await turn();
    second.socket.conflate("k").emit("v", 1);
    second.socket.conflate("k").emit("v", 2);
    const over = await scrape(s.url);
    expect(value(over, "switchboard_sockets_over_high_water_mark")).toBe(1);
    expect(value(over, "switchboard_conflated_packets_total")).toBe(1);
    const drained = waitFor(second.socket, "drain");
    resume();
    await drained;

    const body = await scrape(s.url);
    expect(value(body, "switchboard_drains_total")).toBeGreaterThanOrEqual(1);
    expect(value(body, "switchboard_sockets_over_high_water_mark")).toBe(0);
    expect(value(body, 'switchboard_rate_limited_events_total{event="chat"}')).toBe(1);
    expect(value(body, 'switchboard_rate_limited_events_total{event="other"}')).toBe(5);
    expect(body).not.toContain('event="x1"');
    expect(value(body, 'switchboard_refused_handshakes_total{reason="handshake_rate"}')).toBe(1);
    expect(value(body, 'switchboard_refused_handshakes_total{reason="max_connections"}')).toBe(0);
    expect(body).toContain("# TYPE switchboard_socket_queued_bytes histogram");
  } finally {
    m.close();
  }
});
