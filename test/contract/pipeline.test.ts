/**
 * Issue #17 end to end: where validation sits in the server's incoming pipeline (after `onAny` and `socket.use`,
 * before listeners), transforms, async schemas and event order, `strict: false`, a schema that throws, broadcast
 * validation done once, and payloads bounded by the parser limits before any schema runs.
 */
import { defineContract } from "@switchboard/contract";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { transforms } from "./fixtures.js";
import { connected, next, start, type Ctx } from "./helpers.js";

let ctx: Ctx | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

async function serverAndClient(opts: Parameters<typeof start>[0]) {
  ctx = await start(opts);
  const client = ctx.official();
  const [socket] = await Promise.all([
    new Promise<any>((resolve) => ctx!.io.once("connection", resolve)),
    connected(client),
  ]);
  return { client, socket };
}

describe("incoming pipeline", () => {
  it("onAny and socket.use see the raw arguments; handlers get the outputs; the wire carries inputs", async () => {
    const { client, socket } = await serverAndClient({ contract: transforms });
    const seen: unknown[] = [];
    socket.onAny((...args: unknown[]) => seen.push(["any", ...args.slice(0, -1)]));
    socket.use(([ev, ...args]: unknown[], nextFn: () => void) => {
      seen.push(["use", ev, ...args.slice(0, -1)]);
      nextFn();
    });
    socket.on("add", (n: number, step: number, ack: (v: number) => void) => {
      seen.push(["handler", n, step]);
      ack(n + step);
    });
    // The handler answers 42 (the ack schema's input): the client gets 42, not the transformed "#42".
    expect(await client.emitWithAck("add", "41")).toBe(42);
    expect(seen).toEqual([
      ["any", "add", "41"],
      ["use", "add", "41"],
      ["handler", 41, 1],
    ]);
  });

  it("a middleware's refusal comes before validation", async () => {
    const { client, socket } = await serverAndClient({ contract: transforms });
    socket.use((_: unknown, nextFn: (err?: Error) => void) => nextFn(new Error("refused")));
    client.emit("add", 5); // invalid, but refused first
    const [err] = await next<[Error]>(socket, "error");
    expect(err.message).toBe("refused");
  });

  it("async schemas: events of one socket reach the listeners in order", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const contract = defineContract({
      clientToServer: {
        slow: { args: [z.string().refine(async () => (await gate, true))] },
        fast: { args: [z.string()] },
      },
    });
    const { client, socket } = await serverAndClient({ contract });
    const order: string[] = [];
    // onAny sees events first: once "fast" was received, let "slow" finish validating.
    socket.onAny((ev: string) => {
      if (ev === "fast") release();
    });
    socket.on("slow", (v: string) => order.push(v));
    socket.on("fast", (v: string) => order.push(v));
    client.emit("slow", "1");
    client.emit("fast", "2");
    client.emit("fast", "3");
    await expect.poll(() => order).toEqual(["1", "2", "3"]);
  });

  it("async schemas refuse invalid payloads like sync ones", async () => {
    const contract = defineContract({
      clientToServer: {
        check: { args: [z.string().refine(async (s) => s === "ok", "not ok")] },
      },
    });
    const { client } = await serverAndClient({ contract });
    expect(await client.emitWithAck("check", "nope")).toEqual({
      error: {
        code: "REQUEST_VALIDATION_ERROR",
        event: "check",
        issues: [{ path: [0], message: "not ok" }],
      },
    });
  });

  it("a schema that throws is a REQUEST_VALIDATION_ERROR and the socket stays connected", async () => {
    const throwing = {
      "~standard": {
        version: 1 as const,
        vendor: "test",
        validate: (value: unknown) => {
          if (value === "boom") throw new Error("schema bug");
          return { value };
        },
      },
    };
    const contract = defineContract({ clientToServer: { ev: { args: [throwing] } } });
    const { client, socket } = await serverAndClient({ contract });
    socket.on("ev", (v: unknown, ack: (v: unknown) => void) => ack(v));
    const answer = await client.emitWithAck("ev", "boom");
    expect(answer.error.code).toBe("REQUEST_VALIDATION_ERROR");
    expect(JSON.stringify(answer)).not.toContain("schema bug");
    expect(client.connected).toBe(true);
    expect(await client.emitWithAck("ev", "fine")).toBe("fine");
  });

  it("strict: false lets events outside the contract through, unvalidated", async () => {
    const contract = defineContract({
      clientToServer: { typing: { args: [z.boolean()] } },
      strict: false,
    });
    const { client, socket } = await serverAndClient({ contract });
    socket.on("other", (a: unknown, ack: (v: unknown) => void) => ack(a));
    expect(await client.emitWithAck("other", { any: "thing" })).toEqual({ any: "thing" });
    expect((await client.emitWithAck("typing", "no")).error.code).toBe("REQUEST_VALIDATION_ERROR");
  });
});

describe("bounds and broadcasts", () => {
  it("a payload over maxHttpBufferSize closes the connection before any schema runs", async () => {
    let runs = 0;
    const contract = defineContract({
      clientToServer: { big: { args: [z.string().refine(() => ++runs > 0)] } },
    });
    const { client } = await serverAndClient({ contract, maxHttpBufferSize: 10_000 });
    const closed = next<[string]>(client, "disconnect");
    client.emit("big", "x".repeat(20_000));
    expect((await closed)[0]).toBe("transport close");
    expect(runs).toBe(0);
  });

  it("a deeply nested payload is answered, not crashing the process", async () => {
    const contract = defineContract({
      clientToServer: { deep: { args: [z.object({ a: z.string() })] } },
    });
    const { client } = await serverAndClient({ contract, maxHttpBufferSize: 100_000 });
    // Written raw (the official client's own encoder recurses): EVENT with ack id 99, 40,000 levels deep.
    const depth = 40_000;
    const engine = (client.io as any).engine;
    const answered = new Promise<string>((resolve) =>
      engine.on("message", (m: string) => m.startsWith("399") && resolve(m)),
    );
    engine.write(`2${99}["deep",${"[".repeat(depth)}"leaf"${"]".repeat(depth)}]`);
    const answer = JSON.parse((await answered).slice(3))[0];
    expect(answer.error.code).toBe("REQUEST_VALIDATION_ERROR");
    expect(answer.error.issues[0].path).toEqual([0]);
    expect(client.connected).toBe(true);
  });

  it("a broadcast is validated once, whatever the number of recipients", async () => {
    let runs = 0;
    const contract = defineContract({
      serverToClient: { news: { args: [z.string().refine(() => ++runs > 0)] } },
    });
    ctx = await start({ contract });
    const clients = [ctx.official(), ctx.official(), ctx.official()];
    await Promise.all(clients.map(connected));
    const got = Promise.all(clients.map((c) => next(c, "news")));
    ctx.io.emit("news", "hello");
    expect(await got).toEqual([["hello"], ["hello"], ["hello"]]);
    expect(runs).toBe(1);
  });
});
