// toAsyncAPI: the document is valid against the official AsyncAPI 3.0.0 JSON Schema (@asyncapi/specs, checked
// with ajv), has a channel per namespace, operations per event, ack replies, and JSON Schema payloads where the
// schema library exports them (zod, arktype) and an "unknown" payload where it does not (valibot).
import specs from "@asyncapi/specs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineContract, toAsyncAPI } from "../src/index.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function validator() {
  // The AsyncAPI schema embeds the draft-07 meta-schema: Ajv must not add its own copy (meta: false).
  const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
  addFormats(ajv);
  return ajv.compile(specs.schemas["3.0.0"] as object);
}

const chat = defineContract({
  clientToServer: {
    "chat:send": {
      args: [z.object({ room: z.string(), text: z.string().min(1).max(500) })],
      ack: z.object({ id: z.string() }),
    },
    typing: { args: [type("boolean")] },
  },
  serverToClient: {
    "chat:message": { args: [z.object({ id: z.string(), from: z.string(), text: z.string() })] },
  },
});
const admin = defineContract({
  clientToServer: { kick: { args: [v.string(), z.number().optional()] } },
});

describe("toAsyncAPI", () => {
  const doc = toAsyncAPI(
    { "/": chat, "/admin": admin },
    {
      title: "Chat",
      version: "1.0.0",
      servers: {
        local: { host: "localhost:3000", protocol: "ws", pathname: "/socket.io/" },
      },
    },
  );

  it("is a valid AsyncAPI 3.0.0 document", () => {
    const validate = validator();
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the validator catches a broken document (the check above can fail)", () => {
    const validate = validator();
    expect(validate({ ...doc, operations: { x: { action: "publish" } } })).toBe(false);
  });

  it("has a channel per namespace and an operation per event, acks as replies", () => {
    const channels = doc["channels"] as Record<string, { address: string; messages: object }>;
    expect(Object.values(channels).map((c) => c.address)).toEqual(["/", "/admin"]);
    const ops = doc["operations"] as Record<string, { action: string; reply?: unknown }>;
    expect(Object.entries(ops).map(([k, o]) => [k, o.action, o.reply !== undefined])).toEqual([
      ["main.receive.chat_send", "receive", true],
      ["main.receive.typing", "receive", false],
      ["main.send.chat_message", "send", false],
      ["admin.receive.kick", "receive", false],
    ]);
  });

  it("exports JSON Schema payloads (zod, arktype) and describes the others as unknown", () => {
    const channels = doc["channels"] as Record<string, { messages: Record<string, any> }>;
    const send = channels["main"]!.messages["c2s.chat_send"];
    expect(send.name).toBe("chat:send");
    expect(send.payload.items[0]).toMatchObject({
      type: "object",
      properties: { text: { type: "string", minLength: 1, maxLength: 500 } },
    });
    expect(channels["main"]!.messages["c2s.typing"].payload.items[0]).toEqual({ type: "boolean" });
    const kick = channels["admin"]!.messages["c2s.kick"].payload.items;
    expect(kick[0]).toEqual({ description: "no JSON Schema export for this valibot schema" });
    expect(kick[1]).toMatchObject({ type: "number" });
  });

  it("accepts a single contract for the main namespace", () => {
    const single = toAsyncAPI(chat, { title: "t", version: "1" });
    expect(Object.keys(single["channels"] as object)).toEqual(["main"]);
    expect(validator()(single)).toBe(true);
  });
});
