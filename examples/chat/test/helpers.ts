// Shared test plumbing: start chats on port 0 with a temp SQLite file, connect clients, wait for events,
// and close everything in afterEach.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as pathJoin } from "node:path";
import { io, type Socket } from "@switchboard/client";
import { cleanup as registry } from "../../../test/support/cleanup.js";
import { once as kitOnce } from "../../../test/support/wait.js";
import { createChatServer, type ChatServer, type ChatServerOptions } from "../src/chat-server.js";
import { SqliteStore } from "../src/sqlite-store.js";

export type Client = Socket;

const chats = new Set<ChatServer>();
const clients = new Set<Client>();
const dirs = new Set<string>();

/** A fresh temp directory, removed by {@link cleanup}. */
export function tempDir(): string {
  const dir = mkdtempSync(pathJoin(tmpdir(), "sb-chat-"));
  track();
  dirs.add(dir);
  return dir;
}

/** Starts a chat on 127.0.0.1:0 (or `opts.port`) with a SQLite store at `dbFile` (default: a new temp file). */
export async function startChat(
  opts: ChatServerOptions & { dbFile?: string } = {},
): Promise<ChatServer> {
  const { dbFile, ...rest } = opts;
  const chat = await createChatServer({
    port: 0,
    host: "127.0.0.1",
    store: new SqliteStore(dbFile ?? pathJoin(tempDir(), "chat.db")),
    pingInterval: 300,
    pingTimeout: 400,
    ...rest,
  });
  track();
  chats.add(chat);
  return chat;
}

export async function stopChat(chat: ChatServer): Promise<void> {
  chats.delete(chat);
  await chat.close();
}

export function url(chat: ChatServer): string {
  return `http://127.0.0.1:${chat.port}`;
}

/** A client that is not connected yet (autoConnect off); {@link connect} it or watch its `connect_error`. */
export function client(
  chat: ChatServer | string,
  auth: Record<string, unknown>,
  opts: Record<string, unknown> = {},
): Client {
  const socket = io(typeof chat === "string" ? chat : url(chat), {
    forceNew: true,
    autoConnect: false,
    auth,
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
    ...opts,
  });
  track();
  clients.add(socket);
  return socket;
}

export interface Welcome {
  name: string;
  users: string[];
  rooms: { name: string; count: number }[];
  joined: {
    room: string;
    members: string[];
    history: { id: string; from: string; text: string; ts: number; room: string }[];
  }[];
}

/** Connects as `name` and resolves with the socket and its `welcome`. */
export async function join(
  chat: ChatServer,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ socket: Client; welcome: Welcome }> {
  const socket = client(chat, { name, ...extra });
  const welcome = once<[Welcome]>(socket, "welcome");
  const failed = once<[Error]>(socket, "connect_error").then(([err]) => {
    throw err;
  });
  socket.connect();
  const [w] = await Promise.race([welcome, failed]);
  return { socket, welcome: w };
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

/** An ack answer: `{ ok: true, … }`, or a refusal in the contract's shape (src/contract.ts `refusal`). */
export interface Ack {
  ok?: true;
  error?: {
    code: string;
    event: string;
    issues?: { path: (string | number)[]; message: string }[];
  };
  [key: string]: unknown;
}

/** Emits with an ack and resolves with the server's answer (fails the test after 5 s instead of hanging). */
export function ask(socket: Client, event: string, payload: unknown): Promise<Ack> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;
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
  await Promise.all([...chats].map((s) => s.close()));
  chats.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** Closes everything the test opened (the kit's registry: use in afterEach). */
export const cleanup = registry.run;
