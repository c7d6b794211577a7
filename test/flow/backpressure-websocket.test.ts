// Backpressure over WebSocket (issue #18): the stalled-client cases (backpressure-cases.ts), and the defaults.
import { afterEach, expect, it } from "vitest";
import { KiB, backpressureSuite, counter, fill } from "./backpressure-cases.js";
import { closeAll, connect, stall, start, until } from "./helpers.js";

afterEach(closeAll);

backpressureSuite("websocket");

it("the defaults change nothing for a healthy client: emit() stays true", async () => {
  const s = await start();
  const { client, socket } = await connect(s, "websocket");
  const c = counter(client);
  let falses = 0;
  for (let i = 0; i < 200; i++) if (!socket.emit("m", i, "x".repeat(KiB))) falses++;
  await until(() => c.count === 200, 5000, "200 messages");
  expect(falses).toBe(0);
});

it("backpressure: false turns the tracking off", async () => {
  const s = await start({ backpressure: false });
  const { client, socket } = await connect(s, "websocket");
  stall(client);
  expect(await fill(socket)).toBe(false);
  expect(s.io.engine.flow.overMark.size).toBe(0);
});
