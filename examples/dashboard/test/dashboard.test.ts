// The dashboard with its default SQLite store, driven by @switchboard/client in Node and by fetch.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, once, post, record, startDashboard, url, viewer } from "./helpers.js";
import type { AckResult, Order, Stats } from "../src/types.js";

afterEach(cleanup);

describe("dashboard", () => {
  it("sends a snapshot of the latest 20 orders (newest first) and the aggregates on connect", async () => {
    const dash = await startDashboard();
    for (let i = 1; i <= 25; i++)
      await dash.store.add({
        user: i % 3 === 0 ? "carol" : `u${i % 2}`,
        item: `item${i}`,
        amount: i,
      });
    const { snapshot } = await viewer(dash);
    expect(snapshot.orders).toHaveLength(20);
    expect(snapshot.orders[0]).toMatchObject({ id: 25, item: "item25", amount: 25 });
    expect(snapshot.orders[19]!.id).toBe(6);
    expect(snapshot.stats.total).toBe(25);
    expect(snapshot.stats.perMinute).toHaveLength(15);
    expect(snapshot.stats.perMinute.reduce((a, b) => a + b, 0)).toBe(25);
    // carol: 8 (3,6,..,24); u1: odd non-multiples of 3 = 9; u0: even non-multiples of 3 = 8; ties by name.
    expect(snapshot.stats.topUsers).toEqual([
      { user: "u1", count: 9 },
      { user: "carol", count: 8 },
      { user: "u0", count: 8 },
    ]);
  });

  it("pushes a POSTed order and the updated stats to every connected dashboard", async () => {
    const dash = await startDashboard();
    const a = await viewer(dash);
    const b = await viewer(dash);
    expect(a.snapshot.stats.total).toBe(0);
    const waits = [a, b].flatMap(({ socket }) => [
      once<[Order]>(socket, "order:new"),
      once<[Stats]>(socket, "stats", (s) => s.total === 1),
    ]);
    const res = await post(dash, { user: "ada", item: "tea", amount: 3.5 });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ ok: true, order: { user: "ada", item: "tea", amount: 3.5 } });
    const [[orderA], [statsA], [orderB], [statsB]] = (await Promise.all(waits)) as [
      [Order],
      [Stats],
      [Order],
      [Stats],
    ];
    expect(orderA).toEqual(res.json["order"]);
    expect(orderB).toEqual(orderA);
    for (const s of [statsA, statsB]) {
      expect(s.topUsers).toEqual([{ user: "ada", count: 1 }]);
      expect(s.perMinute.at(-1)! + s.perMinute.at(-2)!).toBe(1);
    }
  });

  it("answers invalid POST bodies with 400 JSON and broadcasts nothing", async () => {
    const dash = await startDashboard();
    const { socket } = await viewer(dash);
    const news = record(socket, "order:new");
    const bad: unknown[] = [
      {},
      [],
      "just a string",
      { user: "", item: "tea", amount: 1 },
      { user: "x".repeat(33), item: "tea", amount: 1 },
      { user: "ada", item: "y".repeat(65), amount: 1 },
      { user: "ada", item: "tea", amount: 0 },
      { user: "ada", item: "tea", amount: -5 },
      // below a cent, as the form's min="0.01" refuses (issue #20)
      { user: "ada", item: "tea", amount: 0.001 },
      { user: "ada", item: "tea", amount: 0.0099 },
      { user: "ada", item: "tea", amount: 1e6 + 1 },
      { user: "ada", item: "tea", amount: "12" },
      { user: "ada\u0000", item: "tea", amount: 1 },
      { user: 42, item: "tea", amount: 1 },
    ];
    for (const body of bad) {
      const res = await post(dash, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json).toMatchObject({
        ok: false,
        code: expect.stringMatching(/^ERR_DASH_/),
        error: expect.any(String),
      });
    }
    const broken = await post(dash, "{not json", true);
    expect(broken).toMatchObject({ status: 400, json: { ok: false, code: "ERR_DASH_BAD_JSON" } });
    const big = await post(dash, {
      user: "ada",
      item: "tea",
      amount: 1,
      pad: "z".repeat(17 * 1024),
    });
    expect(big).toMatchObject({ status: 413, json: { ok: false, code: "ERR_DASH_TOO_LARGE" } });
    const noJson = await fetch(`${url(dash)}/api/orders`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "user=ada",
    });
    // not JSON at all: 415, in JSON (issue #20)
    expect(noJson.status).toBe(415);
    expect(await noJson.json()).toMatchObject({
      ok: false,
      code: "ERR_DASH_UNSUPPORTED_MEDIA_TYPE",
    });

    // The limits themselves are accepted, and only that one order is broadcast.
    const next = once<[Order]>(socket, "order:new");
    const edge = await post(dash, { user: "u".repeat(32), item: "i".repeat(64), amount: 1e6 });
    expect(edge.status).toBe(201);
    const [order] = await next;
    expect(order.amount).toBe(1e6);
    expect(news).toEqual([order]);
    expect((await dash.store.latest(50)).length).toBe(1);
    const cent = await post(dash, { user: "ada", item: "gum", amount: 0.01 });
    expect(cent.status).toBe(201);
  });

  it("answers in JSON everywhere: 405 with Allow, JSON 404s, 415 (issue #20)", async () => {
    const dash = await startDashboard();
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const res = await fetch(`${url(dash)}/api/orders`, {
        method,
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ ok: false, code: "ERR_DASH_METHOD_NOT_ALLOWED" });
    }
    for (const path of ["/api/nope", "/api/orders/7", "/api", "/nothing-here"]) {
      const res = await fetch(`${url(dash)}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ ok: false, code: "ERR_DASH_NOT_FOUND" });
    }
    for (const [type, body] of [
      ["text/plain", '{"user":"ada","item":"tea","amount":1}'],
      ["application/x-www-form-urlencoded", "user=ada&item=tea&amount=1"],
      [undefined, '{"user":"ada","item":"tea","amount":1}'],
    ] as const) {
      const res = await fetch(`${url(dash)}/api/orders`, {
        method: "POST",
        headers: type === undefined ? {} : { "content-type": type },
        body: type === undefined ? new Blob([body]) : body,
      });
      expect(res.status, String(type)).toBe(415);
      expect(await res.json()).toMatchObject({ code: "ERR_DASH_UNSUPPORTED_MEDIA_TYPE" });
    }
    // the page and the API still work
    expect((await fetch(`${url(dash)}/`)).status).toBe(200);
    expect((await fetch(`${url(dash)}/api/orders`)).status).toBe(200);
    expect((await fetch(`${url(dash)}/api/orders`, { method: "HEAD" })).status).toBe(200);
    expect((await dash.store.latest(5)).length).toBe(0);
  });

  it("sends revenue per minute and the revenue total with the stats", async () => {
    const dash = await startDashboard();
    for (const amount of [0.1, 0.2, 12.5]) await dash.store.add({ user: "ada", item: "x", amount });
    const { snapshot } = await viewer(dash);
    expect(snapshot.stats.revenue).toBe(12.8);
    expect(snapshot.stats.revenuePerMinute).toHaveLength(15);
    expect(snapshot.stats.revenuePerMinute.reduce((a, b) => a + b, 0)).toBeCloseTo(12.8, 9);
  });

  it("adds an order through the socket with an ack, and refuses bad payloads through the ack", async () => {
    const dash = await startDashboard();
    const a = await viewer(dash);
    const b = await viewer(dash);
    const atB = once<[Order]>(b.socket, "order:new");
    const ok = (await a.socket
      .timeout(5000)
      .emitWithAck("order:add", { user: " bob ", item: "cake", amount: 12 })) as AckResult;
    expect(ok).toMatchObject({ ok: true, order: { user: "bob", item: "cake", amount: 12 } });
    expect((await atB)[0]).toEqual(ok.ok ? ok.order : undefined);

    const news = record(b.socket, "order:new");
    for (const payload of [
      null,
      7,
      "x",
      { user: "bob", item: "cake" },
      { user: "bob", item: "cake", amount: Number.NaN },
    ]) {
      const res = (await a.socket.timeout(5000).emitWithAck("order:add", payload)) as AckResult;
      expect(res).toMatchObject({ ok: false, code: expect.stringMatching(/^ERR_DASH_/) });
    }
    // Without an ack it is still stored and broadcast, and nothing throws.
    const lateP = once<[Order]>(b.socket, "order:new");
    a.socket.emit("order:add", { user: "eve", item: "pie", amount: 2 });
    const [late] = await lateP;
    expect(late.user).toBe("eve");
    expect(news).toEqual([late]);
    expect(a.socket.connected).toBe(true);
  });

  it("slows down a flooding client, then disconnects it, without affecting others", async () => {
    const dash = await startDashboard();
    const flooder = await viewer(dash);
    const calm = await viewer(dash);
    const acks = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          flooder.socket.timeout(5000).emitWithAck("order:add", {
            user: "flood",
            item: `f${i}`,
            amount: 1,
          }) as Promise<AckResult>,
      ),
    );
    const refused = acks.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ code: "ERR_DASH_RATE_LIMITED" });
    expect(acks.filter((a) => a.ok).length).toBeLessThan(50);

    const gone = once(flooder.socket, "disconnect");
    for (let i = 0; i < 60; i++)
      flooder.socket.emit("order:add", { user: "flood", item: "x", amount: 1 });
    await gone;
    const ok = (await calm.socket
      .timeout(5000)
      .emitWithAck("order:add", { user: "calm", item: "tea", amount: 1 })) as AckResult;
    expect(ok).toMatchObject({ ok: true });
  });

  it("serves the page and the client bundle", async () => {
    const dash = await startDashboard();
    const page = await fetch(`${url(dash)}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await page.text()).toContain("/socket.io/socket.io.min.js");
    const bundle = await fetch(`${url(dash)}/socket.io/socket.io.min.js`);
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();
  });
});
