// Shared test plumbing: dashboards on 127.0.0.1:0 with a temp SQLite file, Node clients, event waits, cleanup.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as pathJoin } from "node:path";
import { io, type Socket } from "@switchboard/client";
import { cleanup as registry } from "../../../test/support/cleanup.js";
import { once as kitOnce } from "../../../test/support/wait.js";
import {
  createDashboardServer,
  type DashboardServer,
  type DashboardServerOptions,
} from "../src/dashboard-server.js";
import { SqliteStore } from "../src/sqlite-store.js";
import type { Snapshot } from "../src/types.js";

export type Client = Socket;

const servers = new Set<DashboardServer>();
const clients = new Set<Client>();
const dirs = new Set<string>();

export function tempDir(): string {
  const dir = mkdtempSync(pathJoin(tmpdir(), "sb-dash-"));
  track();
  dirs.add(dir);
  return dir;
}

/** Starts a dashboard on 127.0.0.1:0 with a fresh SQLite file unless `opts.store` is given. */
export async function startDashboard(opts: DashboardServerOptions = {}): Promise<DashboardServer> {
  const dash = await createDashboardServer({
    port: 0,
    host: "127.0.0.1",
    store: opts.store ?? new SqliteStore(pathJoin(tempDir(), "dashboard.db")),
    ...opts,
  });
  track();
  servers.add(dash);
  return dash;
}

export function url(dash: DashboardServer): string {
  return `http://127.0.0.1:${dash.port}`;
}

/**
 * Resolves with the arguments of the next `event` on `socket` that satisfies `accept` (fails after 10 s, a bound
 * for a hang).
 */
export function once<T extends unknown[] = unknown[]>(
  socket: Client,
  event: string,
  accept: (...args: T) => boolean = () => true,
): Promise<T> {
  return kitOnce<T>(socket, event, { timeout: 10_000, filter: accept });
}

/** Records every `event` received by `socket`, for "did not receive" assertions. */
export function record<T = unknown>(socket: Client, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (arg: T) => seen.push(arg));
  return seen;
}

/** Connects a dashboard viewer and resolves with it and its `snapshot`. */
export async function viewer(
  dash: DashboardServer,
): Promise<{ socket: Client; snapshot: Snapshot }> {
  const socket = io(url(dash), { forceNew: true, autoConnect: false, reconnection: false });
  track();
  clients.add(socket);
  const snap = once<[Snapshot]>(socket, "snapshot");
  socket.connect();
  const [snapshot] = await snap;
  return { socket, snapshot };
}

/** POSTs a JSON (or raw string) body to /api/orders. */
export async function post(
  dash: DashboardServer,
  body: unknown,
  raw = false,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url(dash)}/api/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

let registered = false;

/** Has the kit's registry close what this file opened, once per test (see {@link cleanup}). */
function track(): void {
  if (registered) return;
  registered = true;
  registry.add(closeAll, true);
}

/** Clients first, then servers, then temp directories. */
async function closeAll(): Promise<void> {
  registered = false;
  for (const socket of clients) socket.disconnect();
  clients.clear();
  await Promise.all([...servers].map((s) => s.close()));
  servers.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** Closes everything the test opened (the kit's registry: use in afterEach). */
export const cleanup = registry.run;
