// The chat's AsyncAPI 3.0 document, made from its contract. zod/mini (which the contract uses to keep the page
// small) does not offer Standard Schema's JSON Schema export (`~standard.jsonSchema`) as zod does; it has
// `toJSONSchema()`, so each schema is given that export here, on a copy: the contract itself is left as it is.
import {
  defineContract,
  toAsyncAPI,
  type AsyncAPIDocument,
  type AsyncAPIOptions,
  type EventSchema,
  type EventSchemas,
} from "@switchboard/contract";
import * as z from "zod/mini";
import { chatContract } from "./contract.js";

type Schema = EventSchema["args"][number];

/** `schema` with a Standard JSON Schema export made by zod/mini's `toJSONSchema` (input and output). */
function describable(schema: Schema): Schema {
  const std = schema["~standard"];
  const json = (io: "input" | "output") => (opts: { target: string }) =>
    z.toJSONSchema(schema as z.core.$ZodType, {
      target: opts.target as "draft-07",
      io,
      unrepresentable: "any",
    });
  return {
    "~standard": { ...std, jsonSchema: { input: json("input"), output: json("output") } },
  } as Schema;
}

function describeAll(events: EventSchemas): EventSchemas {
  const out: Record<string, EventSchema> = {};
  for (const [name, ev] of Object.entries(events))
    out[name] = {
      args: ev.args.map(describable),
      ...(ev.ack === undefined ? {} : { ack: describable(ev.ack) }),
    };
  return out;
}

/** The chat's AsyncAPI 3.0 document (`npm run asyncapi` prints it). */
export function chatAsyncAPI(servers?: AsyncAPIOptions["servers"]): AsyncAPIDocument {
  const described = defineContract({
    clientToServer: describeAll(chatContract.clientToServer),
    serverToClient: describeAll(chatContract.serverToClient),
  });
  return toAsyncAPI(described, {
    title: "Switchboard chat",
    version: "0.1.0",
    description:
      "The Socket.IO tutorials' chat on Switchboard: rooms, private messages, typing, history.",
    ...(servers === undefined ? {} : { servers }),
  });
}
