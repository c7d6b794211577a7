/**
 * Issue #17 end to end, server side: an official socket.io-client (nothing about the contract needs our client)
 * sends valid, invalid, unknown and over-long payloads, with and without acks, to a server whose main namespace
 * has the zod, valibot or arktype chat contract.
 */
import { ContractValidationError, defineContract } from "@switchboard/contract";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { LIBRARIES } from "./fixtures.js";
import { connected, next, start, type Ctx } from "./helpers.js";

let ctx: Ctx | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const SECRET = "s3cr3t-payload-value";

describe.each(LIBRARIES)("$name contract, official client", ({ contract }) => {
  async function setup(transports?: ("polling" | "websocket")[]) {
    ctx = await start({ contract });
    const calls: unknown[][] = [];
    const errors: Error[] = [];
    ctx.io.on("connection", (socket) => {
      socket.on("error", (err) => errors.push(err));
      socket.on("chat:send", (msg: unknown, ack: (r: unknown) => void) => {
        calls.push(["chat:send", msg]);
        ack({ id: "m1" });
      });
      socket.on("typing", (on: unknown) => calls.push(["typing", on]));
    });
    const client = ctx.official("/", transports);
    await connected(client);
    const serverSocket = [...ctx.io.sockets.sockets.values()][0]!;
    return { client, serverSocket, calls, errors };
  }

  it.each([["websocket"], ["polling"]] as const)(
    "delivers a valid event and its ack (%s)",
    async (transport) => {
      const { client, calls } = await setup([transport]);
      const answer = await client.emitWithAck("chat:send", { room: "r", text: "hello" });
      expect(answer).toEqual({ id: "m1" });
      expect(calls).toEqual([["chat:send", { room: "r", text: "hello" }]]);
    },
  );

  it("answers an invalid event's ack with REQUEST_VALIDATION_ERROR; the handler never runs", async () => {
    const { client, calls } = await setup();
    const answer = await client.emitWithAck("chat:send", { room: "r", text: 42 });
    expect(answer).toEqual({
      error: {
        code: "REQUEST_VALIDATION_ERROR",
        event: "chat:send",
        issues: [{ path: [0, "text"], message: expect.any(String) }],
      },
    });
    // A later valid event is the first one the handler sees.
    await client.emitWithAck("chat:send", { room: "r", text: "ok" });
    expect(calls).toEqual([["chat:send", { room: "r", text: "ok" }]]);
  });

  it("refuses an over-long payload, and never echoes the payload", async () => {
    const { client, calls } = await setup();
    const text = SECRET.repeat(30); // 600 characters, the schema allows 500
    const answer = await client.emitWithAck("chat:send", { room: SECRET, text });
    expect(answer.error.code).toBe("REQUEST_VALIDATION_ERROR");
    expect(answer.error.issues[0].path).toEqual([0, "text"]);
    expect(JSON.stringify(answer)).not.toContain(SECRET);
    const wrongType = await client.emitWithAck("chat:send", SECRET);
    expect(wrongType.error.issues[0].path).toEqual([0]);
    expect(JSON.stringify(wrongType)).not.toContain(SECRET);
    expect(calls).toEqual([]);
  });

  it('emits "error" for an invalid event without ack; the handler never runs', async () => {
    const { client, serverSocket, calls } = await setup();
    client.emit("typing", "yes");
    const [err] = await next<[ContractValidationError]>(serverSocket, "error");
    expect(err).toBeInstanceOf(ContractValidationError);
    expect(err.code).toBe("REQUEST_VALIDATION_ERROR");
    expect(err.event).toBe("typing");
    expect(err.issues[0]!.path).toEqual([0]);
    client.emit("typing", true);
    await expect.poll(() => calls).toEqual([["typing", true]]);
  });

  it("refuses unknown events: UNKNOWN_EVENT to the ack, else the error event", async () => {
    const { client, serverSocket } = await setup();
    expect(await client.emitWithAck("chat:delete", "x")).toEqual({
      error: { code: "UNKNOWN_EVENT", event: "chat:delete" },
    });
    client.emit("chat:delete", "x");
    const [err] = await next<[ContractValidationError]>(serverSocket, "error");
    expect([err.code, err.event]).toEqual(["UNKNOWN_EVENT", "chat:delete"]);
  });

  it("refuses extra arguments", async () => {
    const { client } = await setup();
    const answer = await client.emitWithAck("chat:send", { room: "r", text: "t" }, "extra");
    expect(answer.error.issues).toEqual([{ path: [1], message: "unexpected argument" }]);
  });

  it("validates the handler's ack value: RESPONSE_VALIDATION_ERROR to the client, error on the server", async () => {
    ctx = await start({ contract });
    ctx.io.on("connection", (socket) => {
      socket.on("chat:send", (_msg: unknown, ack: (r: unknown) => void) => ack({ id: 7 }));
    });
    const client = ctx.official();
    const serverError = next<[ContractValidationError]>(
      await new Promise<any>((resolve) => ctx!.io.once("connection", resolve)),
      "error",
    );
    await connected(client);
    const answer = await client.emitWithAck("chat:send", { room: "r", text: "t" });
    expect(answer).toEqual({ error: { code: "RESPONSE_VALIDATION_ERROR", event: "chat:send" } });
    const [err] = await serverError;
    expect([err.code, err.event]).toEqual(["RESPONSE_VALIDATION_ERROR", "chat:send"]);
  });

  it("throws on an invalid emit and sends nothing; a broadcast too", async () => {
    const { client, serverSocket } = await setup();
    const received: unknown[] = [];
    client.on("chat:message", (m: unknown) => received.push(m));
    const bad = { id: "1", from: "srv", text: 3 };
    expect(() => (serverSocket.emit as any)("chat:message", bad)).toThrow(
      expect.objectContaining({ code: "EMIT_VALIDATION_ERROR", event: "chat:message" }),
    );
    expect(() => (ctx!.io.emit as any)("chat:message", bad)).toThrow(ContractValidationError);
    expect(() => (ctx!.io.to("r").emit as any)("chat:message", bad)).toThrow(
      ContractValidationError,
    );
    expect(() => (serverSocket.emit as any)("not-in-contract")).toThrow(ContractValidationError);
    const good = { id: "2", from: "srv", text: "ok" };
    serverSocket.emit("chat:message", good);
    await expect.poll(() => received).toEqual([good]);
  });
});

describe("server options", () => {
  it("validateOutgoing: false sends what the handler emits, unchecked", async () => {
    ctx = await start({ contract: LIBRARIES[0].contract, validateOutgoing: false });
    const client = ctx.official();
    const [socket] = await Promise.all([
      new Promise<any>((resolve) => ctx!.io.once("connection", resolve)),
      connected(client),
    ]);
    const got = next(client, "chat:message");
    socket.emit("chat:message", { id: 1 });
    expect(await got).toEqual([{ id: 1 }]);
  });

  it("io.of(name).contract(c) validates that namespace only", async () => {
    ctx = await start();
    ctx.io.of("/chat").contract(LIBRARIES[0].contract);
    ctx.io.of("/chat").on("connection", (s) => s.on("typing", () => {}));
    ctx.io.on("connection", (s) => s.on("anything", (x: unknown, ack: any) => ack(x)));
    const chat = ctx.official("/chat");
    const main = ctx.official("/");
    await Promise.all([connected(chat), connected(main)]);
    expect(await chat.emitWithAck("anything", 1)).toEqual({
      error: { code: "UNKNOWN_EVENT", event: "anything" },
    });
    expect(await main.emitWithAck("anything", 1)).toBe(1);
  });
});

describe("dynamic namespaces and our client", () => {
  it("io.of(regex).contract(c) validates every child namespace", async () => {
    ctx = await start();
    ctx.io.of(/^\/room-\d+$/).contract(LIBRARIES[0].contract);
    const client = ctx.official("/room-1");
    await connected(client);
    expect(await client.emitWithAck("chat:send", { room: "r" })).toMatchObject({
      error: { code: "REQUEST_VALIDATION_ERROR", event: "chat:send" },
    });
    expect(await client.emitWithAck("nope")).toEqual({
      error: { code: "UNKNOWN_EVENT", event: "nope" },
    });
  });

  it.each(LIBRARIES)(
    "our client (validateOutgoing: false) gets typed errors for unknown and over-long payloads ($name)",
    async ({ contract }) => {
      ctx = await start({ contract });
      const handled: unknown[] = [];
      ctx.io.on("connection", (s) => s.on("chat:send", (m: unknown) => handled.push(m)));
      const client = ctx.ours("/", { contract, validateOutgoing: false });
      await connected(client);
      const unknown = await client.emitWithAck("chat:delete", 1).catch((e: unknown) => e);
      // Not in the client's contract either: the server's answer arrives as sent.
      expect(unknown).toEqual({ error: { code: "UNKNOWN_EVENT", event: "chat:delete" } });
      const long = await client
        .emitWithAck("chat:send", { room: "r", text: "y".repeat(501) })
        .catch((e: unknown) => e);
      expect(long).toBeInstanceOf(ContractValidationError);
      expect(long).toMatchObject({ code: "REQUEST_VALIDATION_ERROR", event: "chat:send" });
      expect((long as ContractValidationError).issues[0]!.path).toEqual([0, "text"]);
      expect(handled).toEqual([]);
    },
  );
});

describe("answers to the server's emits", () => {
  const asking = defineContract({
    serverToClient: { ask: { args: [z.string()], ack: z.string().transform((s) => s.length) } },
  });

  async function setupAsk(answer: unknown) {
    ctx = await start({ contract: asking });
    const client = ctx.official();
    client.on("ask", (_q: string, ack: (a: unknown) => void) => ack(answer));
    const [socket] = await Promise.all([
      new Promise<any>((resolve) => ctx!.io.once("connection", resolve)),
      connected(client),
    ]);
    return socket;
  }

  it("emitWithAck resolves with the ack schema's output", async () => {
    const socket = await setupAsk("four");
    expect(await socket.timeout(5000).emitWithAck("ask", "len?")).toBe(4);
    expect(await socket.emitWithAck("ask", "len?")).toBe(4);
  });

  it("an answer that fails: RESPONSE_VALIDATION_ERROR for timeout() acks, else the error event", async () => {
    const socket = await setupAsk(4);
    const err = await socket
      .timeout(5000)
      .emitWithAck("ask", "len?")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractValidationError);
    expect(err).toMatchObject({ code: "RESPONSE_VALIDATION_ERROR", event: "ask" });
    const called: unknown[] = [];
    const errored = next<[ContractValidationError]>(socket, "error");
    socket.emit("ask", "len?", (a: unknown) => called.push(a));
    expect((await errored)[0].code).toBe("RESPONSE_VALIDATION_ERROR");
    expect(called).toEqual([]);
  });
});
