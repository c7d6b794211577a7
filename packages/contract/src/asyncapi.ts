// An AsyncAPI 3.0 document from contracts, seen from the server: one channel per namespace, a `receive` operation
// per clientToServer event and a `send` operation per serverToClient event, an ack as the operation's reply.
// Payloads are JSON Schema from the schema library's Standard JSON Schema export (`~standard.jsonSchema`, zod ≥ 4.2
// and arktype ≥ 2.1.2 have it); a schema without one is described as unknown.
import type { ContractRuntime } from "./contract.js";
import { ContractError, ContractErrorCode } from "./errors.js";
import type { EventSchemas, Schema } from "./types.js";

/** A server entry of the document (AsyncAPI 3.0 Server Object, the fields most documents need). */
export interface AsyncAPIServer {
  /** Host and port, e.g. `chat.example.com:443`. */
  host: string;
  /** e.g. `wss`, `ws`, `https`. */
  protocol: string;
  /** Usually `/socket.io/`. */
  pathname?: string;
  description?: string;
}

/** Options of {@link toAsyncAPI}. */
export interface AsyncAPIOptions {
  title: string;
  version: string;
  description?: string;
  servers?: Record<string, AsyncAPIServer>;
}

/** A JSON document (AsyncAPI 3.0). */
export type AsyncAPIDocument = Record<string, unknown>;

type JsonSchema = Record<string, unknown>;
interface WithDefinitions {
  readonly clientToServer: EventSchemas;
  readonly serverToClient: EventSchemas;
}

/**
 * An AsyncAPI 3.0 document describing the server side of `contracts`: a contract (the main namespace `/`), or
 * contracts by namespace name.
 *
 * @example
 * ```ts
 * const doc = toAsyncAPI({ "/": chat, "/admin": admin }, { title: "Chat", version: "1.0.0" });
 * console.log(JSON.stringify(doc, null, 2));
 * ```
 */
export function toAsyncAPI(
  contracts: ContractRuntime | Record<string, ContractRuntime>,
  options: AsyncAPIOptions,
): AsyncAPIDocument {
  const byNsp = isRuntime(contracts) ? { "/": contracts } : contracts;
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const keys = new Set<string>();
  for (const [nsp, contract] of Object.entries(byNsp)) {
    if (!isRuntime(contract) || !hasDefinitions(contract))
      throw new ContractError(
        ContractErrorCode.INVALID_CONTRACT,
        `toAsyncAPI: ${nsp} is not a contract`,
      );
    const channel = unique(keys, nsp === "/" ? "main" : nsp);
    const messages: Record<string, unknown> = {};
    const ref = `#/channels/${channel}`;
    const add = (events: EventSchemas, action: "send" | "receive"): void => {
      const dir = action === "receive" ? "c2s" : "s2c";
      for (const [event, def] of Object.entries(events)) {
        // Message keys say the direction: an event name may be used both ways (`c2s.message`, `s2c.message`).
        const key = unique(keys, `${channel}.${dir}.${event}`).slice(channel.length + 1);
        messages[key] = {
          name: event,
          title: event,
          contentType: "application/json",
          payload: argsSchema(def.args),
        };
        const operation: Record<string, unknown> = {
          action,
          channel: { $ref: ref },
          messages: [{ $ref: `${ref}/messages/${key}` }],
        };
        if (def.ack !== undefined) {
          const ackKey = unique(keys, `${channel}.${dir}.${event}.ack`).slice(channel.length + 1);
          messages[ackKey] = {
            name: `${event} (ack)`,
            title: `${event} acknowledgement`,
            contentType: "application/json",
            payload: toJsonSchema(def.ack),
          };
          operation["reply"] = {
            channel: { $ref: ref },
            messages: [{ $ref: `${ref}/messages/${ackKey}` }],
          };
        }
        operations[unique(keys, `${channel}.${action}.${event}`)] = operation;
      }
    };
    add(contract.clientToServer, "receive");
    add(contract.serverToClient, "send");
    channels[channel] = { address: nsp, title: `namespace ${nsp}`, messages };
  }
  const info: Record<string, unknown> = { title: options.title, version: options.version };
  if (options.description !== undefined) info["description"] = options.description;
  const doc: AsyncAPIDocument = { asyncapi: "3.0.0", info };
  if (options.servers !== undefined) doc["servers"] = options.servers;
  doc["defaultContentType"] = "application/json";
  doc["channels"] = channels;
  doc["operations"] = operations;
  return doc;
}

/** The arguments of an event: a JSON array, one schema per position. */
function argsSchema(args: readonly Schema[]): JsonSchema {
  return {
    type: "array",
    description: "the event's arguments, in order (Socket.IO event packet)",
    items: args.map(toJsonSchema),
    additionalItems: false,
    maxItems: args.length,
  };
}

/** The schema's input (what travels) as draft-07 JSON Schema, or an unknown value when it has no export. */
export function toJsonSchema(schema: Schema): JsonSchema {
  const std = schema["~standard"] as Schema["~standard"] & {
    jsonSchema?: { input?: (opts: { target: string }) => JsonSchema };
  };
  try {
    const json = std.jsonSchema?.input?.({ target: "draft-07" });
    if (json !== undefined) {
      const { $schema: _drop, ...rest } = json;
      return rest;
    }
  } catch {
    // The library cannot express this schema in JSON Schema: described as unknown below.
  }
  return { description: `no JSON Schema export for this ${std.vendor} schema` };
}

function unique(keys: Set<string>, raw: string): string {
  const base = raw.replace(/[^\w.-]/g, "_").replace(/^_+/, "") || "event";
  let key = base;
  for (let i = 2; keys.has(key); i++) key = `${base}_${i}`;
  keys.add(key);
  return key;
}

function isRuntime(value: unknown): value is ContractRuntime {
  return typeof (value as { parse?: unknown } | null)?.parse === "function";
}

function hasDefinitions(value: object): value is ContractRuntime & WithDefinitions {
  const v = value as Partial<WithDefinitions>;
  return typeof v.clientToServer === "object" && typeof v.serverToClient === "object";
}
