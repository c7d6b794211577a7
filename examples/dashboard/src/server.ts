// Entry point: `node dist/server.js` (or `npm run start:dashboard` at the repo root).
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createDashboardServer } from "./dashboard-server.js";

export { createDashboardServer, storeFromEnv, type DashboardServer, type DashboardServerOptions } from "./dashboard-server.js";
export { SqliteStore } from "./sqlite-store.js";
export { PgStore, type PgStoreOptions } from "./pg-store.js";
export { StoreError, type OrderStore } from "./store.js";
export { LIMITS, DashboardError, checkOrder } from "./validate.js";
export type { Order, OrderInput, Stats, Snapshot } from "./types.js";

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
    const dash = await createDashboardServer();
    console.log(`Dashboard on http://localhost:${dash.port}`);
    const stop = (): void => {
      dash.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (err) {
    const e = err as Error & { code?: string };
    console.error(`dashboard: cannot start: ${e.message}`);
    process.exit(e.code === "ERR_DASH_STORE" ? 2 : 1);
  }
}
