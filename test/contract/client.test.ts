/**
 * Issue #17 end to end, client side, with our client: emits validated before they are buffered or sent, incoming
 * events validated (invalid ones dropped and reported to `onInvalid`, never to the handler), `emitWithAck` resolving
 * with the parsed answer or rejecting with a ContractValidationError.
 */
import { ContractValidationError, defineContract, type ContractIssue } from "@switchboard/contract";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { LIBRARIES, transforms, zodChat } from "./fixtures.js";
import { connected, next, start, type Ctx } from "./helpers.js";

let ctx: Ctx | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

/** A server without contract (it can send anything) and one of our sockets with `opts`. */
async function setup(opts: Record<string, unknown>, serverOpts: Record<string, unknown> = {}) {
  ctx = await start(serverOpts);
  const serverSide = new Promise<any>((resolve) => ctx!.io.once("connection", resolve));
  const client = ctx.ours("/", opts);
  await connected(client);
  return { client, server: await serverSide };
}

describe.each(LIBRARIES)("$name contract, our client", ({ contract }) => {
  it("throws EMIT_VALIDATION_ERROR synchronously and sends nothing", async () => {
    const { client, server } = await setup({ contract });
    const got: unknown[] = [];
    server.on("typing", (v: unknown) => got.push(v));
    expect(() => client.emit("typing", "yes")).toThrow(
      expect.objectContaining({ code: "EMIT_VALIDATION_ERROR", event: "typing" }),
    );
    expect(() => client.emit("chat:send", { room: "r", text: "" }, () => {})).toThrow(
      ContractValidationError,
    );
    client.emit("typing", true);
    await expect.poll(() => got).toEqual([true]);
  });

  it("drops an invalid incoming event, reports it to onInvalid, delivers the next valid one", async () => {
    const invalid: [string, readonly ContractIssue[]][] = [];
    const { client, server } = await setup({
      contract,
      onInvalid: (ev: string, issues: readonly ContractIssue[]) => invalid.push([ev, issues]),
    });
    const handled: unknown[] = [];
    client.on("chat:message", (m: unknown) => handled.push(m));
    server.emit("chat:message", { id: "1", from: "s", text: 9 });
    const good = { id: "2", from: "s", text: "ok" };
    server.emit("chat:message", good);
    await expect.poll(() => handled).toEqual([good]);
    expect(invalid).toEqual([
      ["chat:message", [{ path: [0, "text"], message: expect.any(String) }]],
    ]);
  });

  it("rejects emitWithAck with the server's REQUEST_VALIDATION_ERROR", async () => {
    ctx = await start({ contract });
    ctx.io.on("connection", (s) => s.on("chat:send", () => {}));
    const client = ctx.ours("/", { contract, validateOutgoing: false });
    await connected(client);
    const err = await client.emitWithAck("chat:send", { room: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractValidationError);
    expect(err).toMatchObject({ code: "REQUEST_VALIDATION_ERROR", event: "chat:send" });
    expect((err as ContractValidationError).issues[0]!.path).toEqual([0, "text"]);
  });
});

describe("our client, answers and transforms", () => {
  it("emits are checked before buffering: nothing waits in the send buffer", async () => {
    ctx = await start();
    const client = ctx.ours("/", { contract: zodChat, autoConnect: false });
    expect(() => client.emit("typing", 1)).toThrow(ContractValidationError);
    expect(client.sendBuffer).toHaveLength(0);
    client.emit("typing", false);
    expect(client.sendBuffer).toHaveLength(1);
  });

  it("emitWithAck resolves with the ack schema's output; the wire carried the input", async () => {
    ctx = await start({ contract: transforms });
    let wire: unknown;
    ctx.io.on("connection", (s) => {
      s.onAny((_ev: string, ...args: unknown[]) => (wire = args.slice(0, -1)));
      s.on("add", (n: number, step: number, ack: (v: number) => void) => ack(n + step));
    });
    const client = ctx.ours("/", { contract: transforms });
    await connected(client);
    expect(await client.emitWithAck("add", "40", 2)).toBe("#42");
    expect(wire).toEqual(["40", 2]);
  });

  it("emitWithAck rejects with RESPONSE_VALIDATION_ERROR when the answer does not match", async () => {
    const { client, server } = await setup({ contract: zodChat });
    server.on("chat:send", (_m: unknown, ack: (v: unknown) => void) => ack({ id: 5 }));
    const err = await client.emitWithAck("chat:send", { room: "r", text: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(ContractValidationError);
    expect(err).toMatchObject({ code: "RESPONSE_VALIDATION_ERROR", event: "chat:send" });
  });

  it("a plain ack callback gets the output; a failing answer goes to onInvalid, not to the callback", async () => {
    const invalid: string[] = [];
    const { client, server } = await setup({
      contract: transforms,
      onInvalid: (ev: string) => invalid.push(ev),
    });
    let answer: unknown = 7;
    server.on("add", (_a: unknown, _b: unknown, ack: (v: unknown) => void) => ack(answer));
    const got = await new Promise((resolve) => client.emit("add", "1", 1, resolve));
    expect(got).toBe("#7");
    answer = "not a number";
    const called: unknown[] = [];
    client.emit("add", "1", 1, (v: unknown) => called.push(v));
    await expect.poll(() => invalid).toEqual(["add"]);
    expect(called).toEqual([]);
  });

  it("with retries, the queued emit's answer is parsed too", async () => {
    const { client, server } = await setup({ contract: transforms, retries: 2 });
    // This server has no contract: it gets the raw "2".
    server.on("add", (n: string, step: number, ack: (v: unknown) => void) => ack(Number(n) + step));
    const got = await new Promise((resolve) =>
      client.emit("add", "2", 3, (err: unknown, v: unknown) => resolve([err, v])),
    );
    expect(got).toEqual([null, "#5"]);
    expect(await client.emitWithAck("add", "1", 1)).toBe("#2");
  });

  it("incoming handlers get outputs (a Date from an ISO string)", async () => {
    const { client, server } = await setup({ contract: transforms });
    const got = next<[Date]>(client, "when");
    server.emit("when", "2026-12-07T10:00:00.000Z");
    const [d] = await got;
    expect(d).toBeInstanceOf(Date);
    expect(d.toISOString()).toBe("2026-12-07T10:00:00.000Z");
  });

  it("async schemas keep the order of incoming events", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const contract = defineContract({
      serverToClient: {
        slow: { args: [z.number().refine(async () => (await gate, true))] },
        fast: { args: [z.number()] },
      },
    });
    const { client, server } = await setup({ contract });
    const order: number[] = [];
    const heldBack: number[][] = [];
    client.on("slow", (n: number) => order.push(n));
    client.on("fast", (n: number) => order.push(n));
    // The engine's listeners run after the Manager's: by the third message all three went through validation.
    let messages = 0;
    (client.io as any).engine.on("message", () => {
      if (++messages !== 3) return;
      heldBack.push([...order]); // nothing delivered yet: the fast ones wait behind the slow one
      release();
    });
    server.emit("slow", 1);
    server.emit("fast", 2);
    server.emit("fast", 3);
    await expect.poll(() => order).toEqual([1, 2, 3]);
    expect(heldBack).toEqual([[]]);
  });
});
