// Contracts shared by the end-to-end and type tests: the chat contract in zod, valibot and arktype, with
// the same events, so every library goes through the same cases.
import { defineContract } from "@switchboard/contract";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";

export const zodChat = defineContract({
  clientToServer: {
    "chat:send": {
      args: [z.object({ room: z.string(), text: z.string().min(1).max(500) })],
      ack: z.object({ id: z.string() }),
    },
    typing: { args: [z.boolean()] },
  },
  serverToClient: {
    "chat:message": { args: [z.object({ id: z.string(), from: z.string(), text: z.string() })] },
  },
});

export const valibotChat = defineContract({
  clientToServer: {
    "chat:send": {
      args: [
        v.object({ room: v.string(), text: v.pipe(v.string(), v.minLength(1), v.maxLength(500)) }),
      ],
      ack: v.object({ id: v.string() }),
    },
    typing: { args: [v.boolean()] },
  },
  serverToClient: {
    "chat:message": { args: [v.object({ id: v.string(), from: v.string(), text: v.string() })] },
  },
});

export const arktypeChat = defineContract({
  clientToServer: {
    "chat:send": {
      args: [type({ room: "string", text: "0 < string <= 500" })],
      ack: type({ id: "string" }),
    },
    typing: { args: [type("boolean")] },
  },
  serverToClient: {
    "chat:message": { args: [type({ id: "string", from: "string", text: "string" })] },
  },
});

export const LIBRARIES = [
  { name: "zod", contract: zodChat },
  { name: "valibot", contract: valibotChat },
  { name: "arktype", contract: arktypeChat },
] as const;

/** Transforms and defaults: handlers get outputs, the wire carries inputs. */
export const transforms = defineContract({
  clientToServer: {
    add: {
      args: [z.string().transform((s) => Number.parseInt(s, 10)), z.number().default(1)],
      ack: z.number().transform((n) => `#${n}`),
    },
  },
  serverToClient: {
    when: { args: [z.string().transform((s) => new Date(s))] },
  },
});
