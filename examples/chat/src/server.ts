// Entry point: `node dist/server.js` (or `npm start` at the repo root).
import { realpathSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createChatServer, describeStore } from "./chat-server.js";

export {
  createChatServer,
  storeFromEnv,
  type ChatServer,
  type ChatServerOptions,
} from "./chat-server.js";
export { SqliteStore } from "./sqlite-store.js";
export { PgStore, type PgStoreOptions } from "./pg-store.js";
export { StoreError, type ChatMessage, type ChatStore } from "./store.js";
export { LIMITS, DEFAULT_ROOM, ChatError } from "./validate.js";
export { chatContract, type ChatContract } from "./contract.js";

function isMain(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

/** `PORT` as a port number (`0` picks a free one), or null when it is not one. */
function portFromEnv(value: string | undefined, fallback: number): number | null {
  if (value === undefined || value.trim() === "") return fallback;
  const port = Number(value);
  return /^\d+$/.test(value.trim()) && port <= 65535 ? port : null;
}

/** Where the server really listens: `all interfaces, port 3000` or `127.0.0.1, port 3000`. */
function boundAddress(httpServer: { address(): AddressInfo | string | null }): string {
  const a = httpServer.address();
  if (a === null || typeof a === "string") return String(a);
  const host = a.address === "::" || a.address === "0.0.0.0" ? "all interfaces" : a.address;
  return `${host}, port ${a.port}`;
}

if (isMain()) {
  const port = portFromEnv(process.env["PORT"], 3000);
  if (port === null) {
    console.error(
      `chat: PORT must be a port number from 0 to 65535 (0 picks a free one), not "${process.env["PORT"]}"`,
    );
    process.exit(1);
  }
  try {
    const chat = await createChatServer({ port });
    console.log(
      `Chat on ${chat.url} (listening on ${boundAddress(chat.httpServer)}, history in ${describeStore()})`,
    );
    const stop = (): void => {
      chat.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === "EADDRINUSE")
      console.error(
        `chat: port ${port} is already in use; set PORT to another one (PORT=0 picks a free one)`,
      );
    else console.error(`chat: cannot start: ${e.message}`);
    process.exit(e.code === "ERR_CHAT_STORE" ? 2 : 1);
  }
}
