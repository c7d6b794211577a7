/**
 * Issue #17, answers to the server's emits: official socket.io-client peers answer a contract's `ack` schema
 * rightly or wrongly, to broadcasts with an ack (`io.timeout(ms).emit(…, cb)`, `emitWithAck` on a broadcast
 * operator) and to a single socket's `emitWithAck` without `timeout()`.
 */
import { InProcessBus, InProcessClusterAdapter } from "@switchboard/adapter/testing";
import { ContractValidationError, defineContract } from "@switchboard/contract";
import type { Socket as OfficialSocket } from "socket.io-client";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { connected, next, start, type Ctx } from "./helpers.js";

let ctx: Ctx | undefined;
let other: Ctx | undefined;
afterEach(async () => {
  await Promise.all([ctx?.close(), other?.close()]);
  ctx = other = undefined;
});

const asking = defineContract({
  serverToClient: {
    ask: { args: [z.string()], ack: z.string().transform((s) => s.length) },
    // Validates only asynchronously: answers are counted once their validation settles.
    slowAsk: {
      args: [z.string()],
      ack: z.string().refine(async (s) => {
        await new Promise((resolve) => setImmediate(resolve));
        return s !== "bad";
      }),
    },
    plain: { args: [z.string()] },
  },
});

/** A client that never answers. */
const SILENT = Symbol("silent");

/** Official clients, each answering every event with its own value (or never: {@link SILENT}). */
async function setup(answers: unknown[]): Promise<OfficialSocket[]> {
  ctx = await start({ contract: asking });
  const clients = answers.map((answer) => {
    const client = ctx!.official();
    client.onAny((...args: unknown[]) => {
      if (answer === SILENT) return;
      const ack = args[args.length - 1];
      if (typeof ack === "function") (ack as (a: unknown) => void)(answer);
    });
    return client;
  });
  await Promise.all(clients.map(connected));
  return clients;
}

/** Sorts the outputs (numbers) before the errors, whatever order the answers arrived in. */
function sorted(responses: unknown[]): unknown[] {
  return [...responses].sort((a, b) => rank(a) - rank(b));
}
function rank(value: unknown): number {
  return typeof value === "number" ? value : 1e9;
}

const refused = expect.objectContaining({
  name: "ContractValidationError",
  code: "RESPONSE_VALIDATION_ERROR",
  event: "ask",
});

describe("broadcast acks", () => {
  it("io.timeout().emit(): each answer's output, or a ContractValidationError in its place", async () => {
    await setup(["four", 4, "sixsix"]);
    const [err, responses] = await new Promise<[unknown, unknown[]]>((resolve) =>
      ctx!.io.timeout(5000).emit("ask", "len?", (e: unknown, r: unknown[]) => resolve([e, r])),
    );
    expect(err).toBeNull();
    expect(responses).toHaveLength(3);
    expect(sorted(responses)).toEqual([4, 6, refused]);
    const bad = responses.find((r) => r instanceof ContractValidationError);
    expect(bad).toBeInstanceOf(ContractValidationError);
    expect((bad as ContractValidationError).issues[0]).toEqual({
      path: [],
      message: expect.any(String),
    });
  });

  it("emitWithAck on a broadcast operator resolves with the same array", async () => {
    await setup([{ not: "a string" }, "ab"]);
    const responses = await ctx!.io
      .to([...ctx!.io.sockets.sockets.keys()])
      .timeout(5000)
      .emitWithAck("ask", "len?");
    expect(sorted(responses as unknown[])).toEqual([2, refused]);
  });

  it("a timeout still rejects with the validated responses received so far", async () => {
    await setup([SILENT, "abc"]);
    const err = await ctx!.io
      .timeout(2000)
      .emitWithAck("ask", "len?")
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ responses: [3] });
    expect(err).not.toBeInstanceOf(ContractValidationError);
  });

  it("async ack schemas: the broadcast waits for every validation", async () => {
    await setup(["good", "bad", "fine"]);
    const responses = (await ctx!.io.timeout(5000).emitWithAck("slowAsk", "?")) as unknown[];
    expect(responses).toHaveLength(3);
    expect(responses.filter((r) => typeof r === "string").sort()).toEqual(["fine", "good"]);
    expect(responses.filter((r) => r instanceof ContractValidationError)).toEqual([
      expect.objectContaining({ code: "RESPONSE_VALIDATION_ERROR", event: "slowAsk" }),
    ]);
  });
});

describe("a single socket's answers without timeout()", () => {
  async function oneSocket(answer: unknown) {
    await setup([answer]);
    return [...ctx!.io.sockets.sockets.values()][0]!;
  }

  it("emitWithAck rejects with RESPONSE_VALIDATION_ERROR instead of never settling", async () => {
    const socket = await oneSocket(42);
    const err = await (socket.emitWithAck as (ev: string, ...a: unknown[]) => Promise<unknown>)(
      "ask",
      "len?",
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractValidationError);
    expect(err).toMatchObject({ code: "RESPONSE_VALIDATION_ERROR", event: "ask" });
  });

  it("a client's answer shaped like a refusal is RESPONSE_VALIDATION_ERROR, its issues ignored", async () => {
    const forged = {
      error: { code: "UNKNOWN_EVENT", event: "x", issues: [{ path: [], message: "hi" }] },
    };
    const socket = await oneSocket(forged);
    const err = await (socket.emitWithAck as (ev: string, ...a: unknown[]) => Promise<unknown>)(
      "ask",
      "len?",
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "RESPONSE_VALIDATION_ERROR", event: "ask" });
    expect(JSON.stringify((err as ContractValidationError).issues)).not.toContain("hi");
  });

  it("emitWithAck still resolves with the output of a valid answer", async () => {
    const socket = await oneSocket("hello");
    const emitWithAck = socket.emitWithAck as (ev: string, ...a: unknown[]) => Promise<unknown>;
    expect(await emitWithAck.call(socket, "ask", "len?")).toBe(5);
  });

  it('a plain callback (no error slot) is not called: the socket emits "error"', async () => {
    const socket = await oneSocket(42);
    const called: unknown[] = [];
    const errored = next<[ContractValidationError]>(socket, "error");
    (socket.emit as (ev: string, ...a: unknown[]) => boolean)("ask", "len?", (a: unknown) =>
      called.push(a),
    );
    const [err] = await errored;
    expect(err).toBeInstanceOf(ContractValidationError);
    expect(err.code).toBe("RESPONSE_VALIDATION_ERROR");
    // A valid answer afterwards reaches its callback: the failed one was not called in between.
    const ok = await oneSocketAnswer(socket);
    expect(ok).toBe("called");
    expect(called).toEqual([]);
  });
});

/** Emits an event without an ack schema: the callback gets the client's answer as is. */
function oneSocketAnswer(socket: { emit: unknown }): Promise<string> {
  return new Promise((resolve) =>
    (socket.emit as (ev: string, ...a: unknown[]) => boolean)("plain", "x", () =>
      resolve("called"),
    ),
  );
}

describe("across a cluster", () => {
  /** Node A (`ctx`) and node B (`other`) on one bus; an official client on B answers `answer`. */
  async function cluster(answer: unknown): Promise<void> {
    const bus = new InProcessBus();
    const adapter = (nsp: any) => new InProcessClusterAdapter(nsp, bus);
    ctx = await start({ contract: asking, adapter });
    other = await start({ contract: asking, adapter });
    const client = other.official();
    client.on("ask", (_q: string, ack: (a: unknown) => void) => ack(answer));
    await connected(client);
    // Wait until node A knows node B (heartbeats), so that a broadcast waits for B's answers.
    while ((await ctx.io.of("/").adapter.serverCount()) < 2)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it("answers from another node are checked where the broadcast was sent", async () => {
    await cluster({ id: 7 });
    const responses = (await ctx!.io.timeout(5000).emitWithAck("ask", "len?")) as unknown[];
    expect(responses).toEqual([refused]);
    expect(responses[0]).toBeInstanceOf(ContractValidationError);
  });

  it("a RemoteSocket's refused answer is its error, as for a local socket", async () => {
    await cluster(12);
    const [remote] = await ctx!.io.fetchSockets();
    expect(remote).toBeDefined();
    const err = await remote!
      .timeout(5000)
      .emitWithAck("ask", "len?")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractValidationError);
    expect(err).toMatchObject({ code: "RESPONSE_VALIDATION_ERROR", event: "ask" });
    expect(err).not.toHaveProperty("responses");
    const [cbErr, answer] = await new Promise<unknown[]>((resolve) =>
      remote!.timeout(5000).emit("ask", "len?", (...a: unknown[]) => resolve(a)),
    );
    expect(cbErr).toBeInstanceOf(ContractValidationError);
    expect(answer).toBeUndefined();
  });

  it("a RemoteSocket's valid answer is the ack schema's output", async () => {
    await cluster("seven");
    const [remote] = await ctx!.io.fetchSockets();
    expect(await remote!.timeout(5000).emitWithAck("ask", "len?")).toBe(5);
  });
});
