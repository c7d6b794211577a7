// Namespace cases particular to Switchboard (a throwing async middleware, the single-node serverSideEmit
// warning). Namespace behaviour shared with socket.io (static, dynamic and unknown namespaces, middlewares,
// cleanupEmptyChildNamespaces, connectTimeout) is tested once, against both servers, in test/server/.
import { afterEach, describe, expect, it } from "vitest";
import type { Namespace } from "@switchboard/server";
import { connected, once, setup, TRANSPORTS, type TestContext } from "./helpers.js";

describe.each(TRANSPORTS)("namespaces over $name", ({ transports }) => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  it("async middlewares run in order; a throwing middleware refuses without crashing", async () => {
    ctx = await setup({}, { transports: [...transports] });
    const order: number[] = [];
    const nsp: Namespace = ctx.io.of("/mw");
    nsp.use((_s, next) => {
      order.push(1);
      setTimeout(next, 5);
    });
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- async middleware: the case
    nsp.use(async (socket, next) => {
      order.push(2);
      if (socket.handshake.auth.crash) throw new Error("middleware bug");
      next();
    });
    const ok = ctx.client("/mw");
    await connected(ok);
    expect(order).toEqual([1, 2]);
    const crash = ctx.client("/mw", { auth: { crash: true } });
    expect((await once<[Error]>(crash, "connect_error"))[0].message).toBe("middleware bug");
  });
});

describe("namespaces (transport-independent)", () => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  it("serverSideEmit on a single node warns and calls nothing", async () => {
    ctx = await setup();
    let called = false;
    ctx.io.on("hello", () => (called = true));
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      expect(ctx.io.serverSideEmit("hello", 1)).toBe(true);
    } finally {
      console.warn = original;
    }
    expect(called).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(() => (ctx.io.serverSideEmit as (ev: string) => void)("connection")).toThrow(/reserved/);
  });
});
