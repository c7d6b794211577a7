// Shared test plumbing: start chats on port 0 with a temp SQLite file, connect clients, wait for events,
// and close everything in afterEach.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as pathJoin } from "node:path";
import { io, type Socket } from "@switchboard/client";
import { createChatServer, type ChatServer, type ChatServerOptions } from "../src/chat-server.js";
import { SqliteStore } from "../src/sqlite-store.js";

export type Client = Socket;

const chats = new Set<ChatServer>();
const clients = new Set<Client>();
const dirs = new Set<string>();

/** A fresh temp directory, removed by {@link cleanup}. */
export function tempDir(): string {
  const dir = mkdtempSync(pathJoin(tmpdir(), "sb-chat-"));
  dirs.add(dir);
  return dir;
}

/** Starts a chat on 127.0.0.1:0 (or `opts.port`) with a SQLite store at `dbFile` (default: a new temp file). */
export async function startChat(opts: ChatServerOptions & { dbFile?: string } = {}): Promise<ChatServer> {
  const { dbFile, ...rest } = opts;
  const chat = await createChatServer({
    port: 0,
    host: "127.0.0.1",
    store: new SqliteStore(dbFile ?? pathJoin(tempDir(), "chat.db")),
    pingInterval: 300,
    pingTimeout: 400,
    ...rest,
  });
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
export function client(chat: ChatServer | string, auth: Record<string, unknown>, opts: Record<string, unknown> = {}): Client {
  const socket = io(typeof chat === "string" ? chat : url(chat), {
    forceNew: true,
    autoConnect: false,
    auth,
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
    ...opts,
  });
  clients.add(socket);
  return socket;
}

export interface Welcome {
  name: string;
  users: string[];
  rooms: { name: string; count: number }[];
  joined: { room: string; members: string[]; history: { id: string; from: string; text: string; ts: number; room: string }[] }[];
}

/** Connects as `name` and resolves with the socket and its `welcome`. */
export async function join(chat: ChatServer, name: string, extra: Record<string, unknown> = {}): Promise<{ socket: Client; welcome: Welcome }> {
  const socket = client(chat, { name, ...extra });
  const welcome = once<[Welcome]>(socket, "welcome");
  const failed = once<[Error]>(socket, "connect_error").then(([err]) => {
    throw err;
  });
  socket.connect();
  const [w] = await Promise.race([welcome, failed]);
  return { socket, welcome: w };
}

/** Resolves with the arguments of the next `event` on `socket` that satisfies `accept`. */
export function once<T extends unknown[] = unknown[]>(socket: Client, event: string, accept: (...args: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const fn = (...args: any[]): void => {
      if (!accept(...(args as T))) return;
      socket.off(event, fn);
      resolve(args as T);
    };
    socket.on(event, fn);
  });
}

/** Records every `event` received by `socket`, for "did not receive" assertions. */
export function record<T = unknown>(socket: Client, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (arg: T) => seen.push(arg));
  return seen;
}

export interface Ack {
  ok: boolean;
  code?: string;
  error?: string;
  [key: string]: unknown;
}

/** Emits with an ack and resolves with the server's answer (fails the test after 5 s instead of hanging). */
export function ask(socket: Client, event: string, payload: unknown): Promise<Ack> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;
}

export async function cleanup(): Promise<void> {
  for (const socket of clients) socket.disconnect();
  clients.clear();
  await Promise.all([...chats].map((c) => c.close()));
  chats.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
