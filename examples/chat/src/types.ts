import type { Server, Socket } from "@switchboard/server";
import type { TokenBucket } from "./rate-limit.js";

/** What the chat keeps on each socket (`socket.data`). */
export interface ChatSocketData {
  name: string;
  token: string | undefined;
  rooms: Set<string>;
  /** Rooms asked for in `auth`, joined once the connection is made. */
  wanted: string[];
  bucket: TokenBucket;
  lastTyping: number;
}

/** Every event carries one payload object and, for all but `typing`, an ack. Payloads are checked at run time. */
export type ClientEvents = Record<"message" | "private" | "join" | "leave" | "typing", (payload: unknown, ack?: unknown) => void>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- server-to-client events are plain data
export type ServerEvents = Record<string, (...args: any[]) => void>;

export type ChatServerIO = Server<ClientEvents, ServerEvents, Record<string, never>, ChatSocketData>;
export type ChatSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, ChatSocketData>;

/** The answer of every acknowledged event. */
export type AckResult = ({ ok: true } & Record<string, unknown>) | { ok: false; code: string; error: string };
