// The two servers every scenario runs against: the official `socket.io` (the reference, which proves the
// tests right) and `@switchboard/server` (the drop-in under test). Switchboard is loaded lazily, so that a
// missing build fails its rows with a clear message instead of breaking the file (`npm test` builds it first).
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as reference from "socket.io";
import { Server as ReferenceServer } from "socket.io";
import { it } from "vitest";

/** Both servers are driven through socket.io's public types: switchboard promises the same API. */
export type ServerCtor = typeof ReferenceServer;

export interface Impl {
  name: string;
  /** Undefined when the implementation is not available (see `missing` / `loadError`). */
  Server: ServerCtor | undefined;
  /** The whole module, for checks on its other exports (Namespace, Socket, …). */
  module?: Record<string, unknown>;
  /** Why the rows are skipped (only while the package is not built). */
  missing?: string;
  /** The build exists but importing it failed: the rows must fail, not skip. */
  loadError?: unknown;
}

const distUrl = new URL("../../packages/server/dist/index.js", import.meta.url);

async function loadSwitchboard(): Promise<Impl> {
  const name = "switchboard";
  if (!existsSync(fileURLToPath(distUrl))) {
    const missing =
      "packages/server/dist/index.js does not exist yet (run `npx tsc -b packages/server`)";
    console.warn(`\n!!! test/server: every switchboard row fails: ${missing} !!!\n`);
    return { name, Server: undefined, missing };
  }
  // A variable specifier keeps the type checker from requiring the package while it is absent.
  const specifier: string = "@switchboard/server";
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (byName) {
    try {
      mod = (await import(pathToFileURL(fileURLToPath(distUrl)).href)) as Record<string, unknown>;
      console.warn(
        `test/server: "${specifier}" did not resolve by name (${String(byName)}); loaded dist directly`,
      );
    } catch (err) {
      return { name, Server: undefined, loadError: err };
    }
  }
  if (typeof mod.Server !== "function") {
    return {
      name,
      Server: undefined,
      loadError: new Error(`${specifier} has no exported Server class`),
    };
  }
  return { name, Server: mod.Server as ServerCtor, module: mod };
}

export const impls: Impl[] = [
  {
    name: "socket.io (reference)",
    Server: ReferenceServer,
    module: reference as Record<string, unknown>,
  },
  await loadSwitchboard(),
];

/** Client transport settings: websocket only, polling only, and the default polling → websocket upgrade. */
export interface TransportSetting {
  label: string;
  transports: ("polling" | "websocket")[] | undefined;
}

export const transportSettings: TransportSetting[] = [
  { label: "websocket", transports: ["websocket"] },
  { label: "polling", transports: ["polling"] },
  { label: "polling→websocket upgrade", transports: undefined },
];

/**
 * Call first inside `describe.each(impls)`: true when the rows can run. Otherwise registers a failing
 * test (package not built, or built but not importable) and returns false.
 */
export function runnable(impl: Impl): impl is Impl & { Server: ServerCtor } {
  if (impl.Server) return true;
  if (impl.loadError !== undefined) {
    it("loads @switchboard/server", () => {
      throw impl.loadError;
    });
  } else {
    // `npm test` builds every package first, so a missing build is a broken setup, not a skip.
    it(`all scenarios (${impl.missing ?? "not available"})`, () => {
      throw new Error(`${impl.name} is not available: run \`npm run build\``);
    });
  }
  return false;
}
