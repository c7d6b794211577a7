import { afterEach, expect, test } from "vitest";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import { createDemo } from "../server.js";

type Demo = ReturnType<typeof createDemo>;
const open: Demo[] = [];
afterEach(async () => {
  for (const demo of open.splice(0)) {
    demo.engine.close();
    await new Promise((resolve) => demo.httpServer.close(resolve));
  }
});

async function start(): Promise<string> {
  const demo = createDemo();
  open.push(demo);
  await new Promise<void>((resolve) => demo.httpServer.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(demo.httpServer.address() as AddressInfo).port}`;
}

/** Opens a raw Engine.IO websocket session and resolves once the open packet arrived. */
function connect(host: string): Promise<{ ws: WebSocket; messages: string[]; next(): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${host}/engine.io/?EIO=4&transport=websocket`);
    const messages: string[] = [];
    let waiter: ((m: string) => void) | undefined;
    ws.on("error", reject);
    ws.on("message", (raw) => {
      const frame = String(raw);
      if (frame.startsWith("0")) resolve({ ws, messages, next });
      if (frame.startsWith("4")) {
        if (waiter) { waiter(frame.slice(1)); waiter = undefined; } else messages.push(frame.slice(1));
      }
    });
    function next(): Promise<string> {
      const queued = messages.shift();
      return queued !== undefined ? Promise.resolve(queued) : new Promise((r) => (waiter = r));
    }
  });
}

test("serves the page", async () => {
  const host = await start();
  const res = await fetch(`http://${host}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/text\/html/);
  expect(await res.text()).toContain("textContent");
});

test("relays a message to every open page, sender included", async () => {
  const host = await start();
  const alice = await connect(host);
  const bob = await connect(host);
  alice.ws.send("4<b>hello</b>");
  expect(await alice.next()).toBe("<b>hello</b>");
  expect(await bob.next()).toBe("<b>hello</b>");
  alice.ws.close();
  bob.ws.close();
});

test("unknown paths get 404", async () => {
  const host = await start();
  expect((await fetch(`http://${host}/nope`)).status).toBe(404);
});
