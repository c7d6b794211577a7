import type { Server as HttpServer } from "node:http";
import type { Server as EngineServer } from "@switchboard/engine";

/** Builds the demo: an http server with the engine attached. Call `listen()` on the result. */
export function createDemo(): { httpServer: HttpServer; engine: EngineServer };
