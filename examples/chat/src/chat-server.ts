// Builds the chat: Express for the page, @switchboard/server for the live part, a store for history.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import express from "express";
import { ContractValidationError, Server, type AdapterConstructor } from "@switchboard/server";
import { chatContract, roomName } from "./contract.js";
import { Presence } from "./presence.js";
import { DEFAULT_RATE_LIMIT, TokenBucket, type RateLimitOptions } from "./rate-limit.js";
import { SqliteStore } from "./sqlite-store.js";
import { PgStore } from "./pg-store.js";
import type { ChatStore } from "./store.js";
import type { ChatServerIO, ChatSocket } from "./types.js";
import { ChatError, DEFAULT_ROOM, LIMITS } from "./validate.js";
import { enterRoom, exitRoom, registerHandlers, type ChatContext } from "./handlers.js";
import { clusterDirectory, localDirectory } from "./directory.js";
import { loadKnownRooms, roomList } from "./room-list.js";
import { checkDisplayName } from "./display-name.js";

export interface ChatServerOptions {
  /** Port to listen on; `0` picks a free one. Default `PORT` or 3000. */
  port?: number;
  /** Interface to bind; default all interfaces (tests pass `127.0.0.1`). */
  host?: string;
  /** The history store; default {@link storeFromEnv}. It is initialised and, on `close()`, closed by the chat. */
  store?: ChatStore;
  /** Flood limits per connection. */
  rateLimit?: RateLimitOptions;
  /** Engine heartbeat (ms); short values let tests notice dropped clients quickly. */
  pingInterval?: number;
  pingTimeout?: number;
  /** The Socket.IO adapter, e.g. `createAdapter(pub, sub)` from `@switchboard/redis-adapter` when several processes serve the chat. */
  adapter?: AdapterConstructor;
  /**
   * Whether user, room and member lists (and name checks) cover every node, through `fetchSockets()`.
   * Default: true when `adapter` is given.
   */
  clusterPresence?: boolean;
  /** Whether the HTTP server listens itself. Default true; false for a cluster worker behind `@switchboard/sticky`. */
  listen?: boolean;
}

export interface ChatServer {
  app: express.Express;
  httpServer: HttpServer;
  io: ChatServerIO;
  store: ChatStore;
  /** The port listened on (with `listen: false`, the `port` option or 0). */
  port: number;
  /** `http://localhost:<port>` */
  url: string;
  /** Disconnects everyone, waits for pending history writes, closes the store and the HTTP server. */
  close(): Promise<void>;
}

/** The default store: PostgreSQL when `DATABASE_URL` is set, else SQLite at `CHAT_DB` or `examples/chat/data/chat.db`. */
export function storeFromEnv(env: NodeJS.ProcessEnv = process.env): ChatStore {
  if (env["DATABASE_URL"]) return new PgStore({ connectionString: env["DATABASE_URL"] });
  return new SqliteStore(sqlitePath(env));
}

/** Where {@link storeFromEnv} keeps history, for start-up logs ("PostgreSQL" or "SQLite <file>"). */
export function describeStore(env: NodeJS.ProcessEnv = process.env): string {
  return env["DATABASE_URL"] ? "PostgreSQL (DATABASE_URL)" : `SQLite ${sqlitePath(env)}`;
}

function sqlitePath(env: NodeJS.ProcessEnv): string {
  return env["CHAT_DB"] ?? fileURLToPath(new URL("../data/chat.db", import.meta.url));
}

/**
 * Starts a chat server and resolves once it listens.
 * @example
 * const chat = await createChatServer({ port: 0, store: new SqliteStore("/tmp/chat.db") });
 * console.log(chat.url);
 * await chat.close();
 */
export async function createChatServer(opts: ChatServerOptions = {}): Promise<ChatServer> {
  const store = opts.store ?? storeFromEnv();
  await store.init();

  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    // The page needs nothing from elsewhere; a strict CSP is a second wall behind textContent.
    res.setHeader(
      "Content-Security-Policy",
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:",
    );
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });
  app.use(express.static(fileURLToPath(new URL("../public/", import.meta.url))));
  const httpServer = createServer(app);
  // Messages are at most 2000 characters; 64 KiB per packet leaves room for the envelope and nothing more.
  // The contract validates every event before a handler sees it and every emit before it leaves (src/contract.ts).
  const io: ChatServerIO = new Server(httpServer, {
    contract: chatContract,
    maxHttpBufferSize: 64 * 1024,
    ...(opts.pingInterval === undefined ? {} : { pingInterval: opts.pingInterval }),
    ...(opts.pingTimeout === undefined ? {} : { pingTimeout: opts.pingTimeout }),
    ...(opts.adapter === undefined ? {} : { adapter: opts.adapter }),
  });
  const presence = new Presence([DEFAULT_ROOM]);
  const directory =
    (opts.clusterPresence ?? opts.adapter !== undefined)
      ? clusterDirectory(io, [DEFAULT_ROOM], localDirectory(presence))
      : localDirectory(presence);
  const ctx: ChatContext = {
    io,
    store,
    presence,
    directory,
    pending: new Set(),
    known: new Set(),
    departed: new Set(),
    closing: false,
  };
  await loadKnownRooms(ctx);
  const limits = opts.rateLimit ?? DEFAULT_RATE_LIMIT;

  io.use((socket, next) => {
    admit(ctx, socket, limits).then(
      () => next(),
      (err: unknown) => {
        if (!(err instanceof ChatError)) console.error("chat: cannot admit a connection", err);
        const e =
          err instanceof ChatError
            ? err
            : new ChatError("ERR_CHAT_INTERNAL", "Cannot join right now");
        next(Object.assign(new Error(e.message), { data: { code: e.code } }));
      },
    );
  });
  io.on("connection", (socket) => {
    onConnection(ctx, socket).catch((err: unknown) => {
      console.error("chat: connection setup failed", err);
      socket.disconnect(true);
    });
  });

  let port = opts.port ?? Number(process.env["PORT"] ?? 3000);
  if (opts.listen ?? true) {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(port, opts.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
    port = (httpServer.address() as AddressInfo).port;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Everyone is disconnected one by one: no "X left" notices, no list updates (see onDisconnect).
      ctx.closing = true;
      await io.close();
      await Promise.allSettled([...ctx.pending]);
      await store.close();
    })());
  return { app, httpServer, io, store, port, url: `http://localhost:${port}`, close };
}

/** The join middleware: a valid, free name (or a reconnect of the same tab, proven by its token). */
async function admit(
  ctx: ChatContext,
  socket: ChatSocket,
  limits: RateLimitOptions,
): Promise<void> {
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  const name = checkDisplayName(auth?.["name"]);
  const token =
    typeof auth?.["token"] === "string" && auth["token"].length <= 64 ? auth["token"] : undefined;
  const holder = ctx.presence.holder(name);
  const held = holder !== undefined && ctx.io.sockets.sockets.has(holder.socketId);
  if (held && (token === undefined || holder.token !== token)) {
    throw new ChatError("ERR_CHAT_NAME_TAKEN", `The name "${name}" is already taken`);
  }
  // In a cluster the name may be held on another node: the same rule applies there.
  const remote = !held && ctx.directory.shared ? await ctx.directory.holder(name) : undefined;
  if (remote !== undefined && (token === undefined || remote.token !== token)) {
    throw new ChatError("ERR_CHAT_NAME_TAKEN", `The name "${name}" is already taken`);
  }
  const wanted = Array.isArray(auth?.["rooms"])
    ? (auth["rooms"] as unknown[]).slice(0, LIMITS.rooms).flatMap(safeRoom)
    : [];
  socket.data = {
    name,
    token,
    rooms: new Set(),
    wanted: wanted.length > 0 ? [...new Set(wanted)] : [DEFAULT_ROOM],
    bucket: new TokenBucket(limits),
    lastTyping: 0,
    resumed: auth?.["resume"] === true,
  };
  ctx.presence.claim(name, socket.id, token);
  // Same tab reconnecting while its old connection has not timed out yet: the new one wins.
  if (held) ctx.io.sockets.sockets.get(holder.socketId)?.disconnect(true);
  else if (remote !== undefined) ctx.io.in(remote.socketId).disconnectSockets(true);
}

/** A room asked for in `auth`, normalised by the contract's rule; a bad one is skipped. */
function safeRoom(value: unknown): string[] {
  const result = roomName["~standard"].validate(value);
  return "value" in result && result.issues === undefined ? [result.value] : [];
}

async function onConnection(ctx: ChatContext, socket: ChatSocket): Promise<void> {
  const { io, presence, directory } = ctx;
  // Two connects racing for one name: the later middleware won the claim, this one steps aside.
  if (presence.holder(socket.data.name)?.socketId !== socket.id) {
    socket.emit("refused", {
      code: "ERR_CHAT_NAME_TAKEN",
      error: `The name "${socket.data.name}" is already taken`,
    });
    socket.disconnect(true);
    return;
  }
  registerHandlers(ctx, socket);
  // Undecodable packets close this connection only (the server does that); say so in one line, no stack.
  // An event the contract refused without an ack to answer (a bad "typing") is dropped quietly.
  socket.on("error", (err) => {
    if (err instanceof ContractValidationError) return;
    console.warn(`chat: closing ${socket.data.name}'s connection: ${err.message}`);
  });
  socket.on("disconnect", () => {
    onDisconnect(ctx, socket).catch((err: unknown) =>
      console.error("chat: disconnect handling failed", err),
    );
  });
  io.emit("users", await directory.users());
  const joined = [];
  for (const room of socket.data.wanted)
    joined.push(await enterRoom(ctx, socket, room, socket.data.resumed));
  const [users, rooms] = await Promise.all([directory.users(), roomList(ctx)]);
  if (socket.connected) socket.emit("welcome", { name: socket.data.name, users, rooms, joined });
}

async function onDisconnect(ctx: ChatContext, socket: ChatSocket): Promise<void> {
  let released = ctx.presence.release(socket.data.name, socket.id);
  // A shutdown is not everyone leaving: clients come back with `resume` and rejoin silently.
  if (ctx.closing) released = false;
  // A takeover from another node: the name lives on there, so nobody "left".
  if (
    released &&
    ctx.directory.shared &&
    (await ctx.directory.holder(socket.data.name)) !== undefined
  )
    released = false;
  for (const room of [...socket.data.rooms]) exitRoom(ctx, socket, room, released);
  if (released && !ctx.closing) ctx.io.emit("users", await ctx.directory.users());
}
