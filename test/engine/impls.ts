// The two Engine.IO servers the conformance suite runs against, behind one factory.
// The reference (`engine.io` from npm) proves the tests right; switchboard is what we ship.
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { attach as referenceAttach } from "engine.io";

/** Server-side Engine.IO socket, as far as these black-box tests look at it. */
export interface EngineSocket extends EventEmitter {
  readonly id: string;
  readonly readyState: string;
  readonly transport: { readonly name: string; readonly writable?: boolean };
  readonly request: IncomingMessage;
  send(data: string | Buffer): unknown;
  close(): unknown;
}

/** Payload of the `connection_error` event (docs/protocol.md §1.8). */
export interface ConnectionError {
  req: IncomingMessage;
  code: number;
  message: string;
  context: unknown;
}

/** Engine.IO server, as far as these black-box tests look at it. */
export interface EngineServer extends EventEmitter {
  readonly clientsCount: number;
  close(): unknown;
}

/** Options understood by both servers (engine.io 6.6 names, docs/protocol.md §1.10). */
export type EngineOptions = Record<string, unknown>;

export interface Impl {
  readonly name: string;
  /** True for the npm `engine.io` package. Used only where docs/protocol.md asks more of us than of it. */
  readonly reference: boolean;
  /** False only when `@switchboard/engine` is not built (its cases then fail, loudly). */
  readonly available: boolean;
  create(httpServer: HttpServer, opts: EngineOptions): EngineServer;
}

type AttachFn = (httpServer: HttpServer, opts?: EngineOptions) => unknown;

const distEntry = fileURLToPath(new URL("../../packages/engine/dist/index.js", import.meta.url));

/**
 * Loads `@switchboard/engine` lazily so this suite still runs where the engine is not built. Only a missing
 * `packages/engine/dist/index.js` means "not built": a loud warning and one failing test (`npm test` builds
 * first). A dist that fails to load or lacks `attach` is an error too.
 */
async function loadSwitchboard(): Promise<AttachFn | undefined> {
  if (!existsSync(distEntry)) {
    if (process.env["CI"] === "true")
      throw new Error("test/engine: @switchboard/engine is not built (CI=true)");
    return undefined;
  }
  const mod = (await import("@switchboard/engine")) as unknown as Record<string, unknown>;
  const attach = mod["attach"];
  if (typeof attach !== "function") throw new Error("@switchboard/engine does not export attach()");
  return attach as AttachFn;
}

const switchboardAttach = await loadSwitchboard();
if (!switchboardAttach) {
  console.warn(
    "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n" +
      "!!! test/engine: packages/engine/dist is missing: the SWITCHBOARD conformance\n" +
      "!!! runs FAIL. Build it with `npx tsc -b packages/engine`.\n" +
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
  );
}

export const switchboard: Impl = {
  name: "switchboard",
  reference: false,
  available: switchboardAttach !== undefined,
  create(httpServer, opts) {
    if (!switchboardAttach) throw new Error("@switchboard/engine is not built");
    return switchboardAttach(httpServer, opts) as EngineServer;
  },
};

export const reference: Impl = {
  name: "engine.io (reference)",
  reference: true,
  available: true,
  create(httpServer, opts) {
    return referenceAttach(httpServer, opts) as unknown as EngineServer;
  },
};

export const impls: readonly Impl[] = [switchboard, reference];
