import type { ServerEmitEvents, ServerListenEvents } from "@switchboard/contract";
import type { Server, Socket } from "@switchboard/server";
import type { ChatContract } from "./contract.js";
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
  /** The client said it is coming back (auth `resume: true`): rejoin its rooms without notices. */
  resumed: boolean;
}

/** The events, typed by the contract (src/contract.ts): handlers get validated, normalised payloads. */
export type ClientEvents = ServerListenEvents<ChatContract>;
export type ServerEvents = ServerEmitEvents<ChatContract>;

export type ChatServerIO = Server<
  ClientEvents,
  ServerEvents,
  Record<string, never>,
  ChatSocketData
>;
export type ChatSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, ChatSocketData>;
