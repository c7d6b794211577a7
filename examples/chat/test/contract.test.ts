// The chat's contract (src/contract.ts): the rules both ends share, the page's copy of it (public/vendor/contract.js),
// our client using it, and the AsyncAPI document `npm run asyncapi` prints (valid AsyncAPI 3.0.0).
import { readFileSync } from "node:fs";
import specs from "@asyncapi/specs";
import { ContractValidationError } from "@switchboard/contract";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it } from "vitest";
import { bundlePageContract, OUTPUT } from "../scripts/build-page.mjs";
import { chatAsyncAPI } from "../src/asyncapi-doc.js";
import { chatContract } from "../src/contract.js";
import { checkName } from "../src/validate.js";
import { cleanup, client, join, once, record, startChat } from "./helpers.js";

afterEach(cleanup);

const parse = (event: string, payload: unknown) =>
  chatContract.parse("clientToServer", [event, payload]) as ContractValidationError | undefined;

describe("the chat's contract", () => {
  it("hands the handlers normalised payloads, as the join normalises names", () => {
    const data = ["join", { room: "  General ", extra: "dropped" }];
    expect(chatContract.parse("clientToServer", data)).toBeUndefined();
    expect(data[1]).toEqual({ room: "general" });
    const msg = ["private", { to: " bob   smith ", text: "  hi there " }];
    expect(chatContract.parse("clientToServer", msg)).toBeUndefined();
    expect(msg[1]).toEqual({ to: checkName(" bob   smith "), text: "  hi there " });
  });

  it("says what is wrong without quoting the payload", () => {
    const err = parse("private", { to: "<b>" + "x".repeat(40), text: "hi" });
    expect(err?.code).toBe("REQUEST_VALIDATION_ERROR");
    expect(err?.issues.map((i) => i.message)).toEqual([
      "The display name is 43 characters long; the limit is 32",
      "The display name contains forbidden characters",
    ]);
    expect(JSON.stringify(err?.toAck())).not.toContain("xxx");
  });

  it("is what the page loads: public/vendor/contract.js is up to date", async () => {
    const fresh = (await bundlePageContract()) === readFileSync(OUTPUT, "utf8");
    expect(
      fresh,
      "public/vendor/contract.js is stale: `npm run build` at the root, then `npm run build:page -w examples/chat`",
    ).toBe(true);
  });

  it("gives a valid AsyncAPI 3.0.0 document with the payloads' JSON Schemas", () => {
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      meta: false,
      validateSchema: false,
      logger: false,
    });
    const validate = ajv.compile(specs.schemas["3.0.0"] as object);
    const doc = chatAsyncAPI({ local: { host: "localhost:3000", protocol: "ws" } });
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const messages = (doc.channels as Record<string, { messages: Record<string, unknown> }>)["main"]
      ?.messages;
    expect(messages?.["c2s.join"]).toMatchObject({
      payload: { items: [{ type: "object", properties: { room: { maxLength: 40 } } }] },
    });
  });
});

describe("our client with the contract", () => {
  it("refuses a bad payload before sending it, and gets parsed answers", async () => {
    const chat = await startChat();
    const bob = await join(chat, "bob");
    const socket = client(chat, { name: "alice" }, { contract: chatContract });
    const welcome = once(socket, "welcome");
    socket.connect();
    await welcome;
    const seen = record(bob.socket, "message");
    let refused: unknown;
    try {
      socket.emit("message", { room: "general", text: "bell\u0007" }, () => {});
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ContractValidationError);
    expect(refused).toMatchObject({
      code: "EMIT_VALIDATION_ERROR",
      event: "message",
      issues: [{ path: [0, "text"], message: "The message contains control characters" }],
    });
    const joined = (await socket.timeout(5000).emitWithAck("join", { room: " Dev " })) as {
      ok: true;
      room: string;
    };
    expect(joined).toMatchObject({ ok: true, room: "dev" });
    // The refused message was never sent: bob, in #general, got only the next one.
    const next = once(bob.socket, "message");
    await socket.timeout(5000).emitWithAck("message", { room: "general", text: "fine" });
    await next;
    expect(seen).toEqual([expect.objectContaining({ text: "fine", from: "alice" })]);
  });
});
