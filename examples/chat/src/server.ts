// Entry point: `node dist/server.js` (or `npm start` at the repo root).
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createChatServer } from "./chat-server.js";

export { createChatServer, storeFromEnv, type ChatServer, type ChatServerOptions } from "./chat-server.js";
export { SqliteStore } from "./sqlite-store.js";
export { PgStore, type PgStoreOptions } from "./pg-store.js";
export { StoreError, type ChatMessage, type ChatStore } from "./store.js";
export { LIMITS, DEFAULT_ROOM, ChatError } from "./validate.js";

function isMain(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  try {
    const chat = await createChatServer();
    console.log(`Chat on http://localhost:${chat.port}`);
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
    console.error(`chat: cannot start: ${e.message}`);
    process.exit(e.code === "ERR_CHAT_STORE" ? 2 : 1);
  }
}
