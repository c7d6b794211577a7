// The chat's events, one handler each. Every payload is `unknown` until validate.ts says otherwise, and
// every outcome, good or bad, goes back through the ack, so a bad payload costs one error reply, never a crash.
import { randomUUID } from "node:crypto";
import type { ChatStore, ChatMessage } from "./store.js";
import type { Presence } from "./presence.js";
import type { Directory } from "./directory.js";
import type { AckResult, ChatServerIO, ChatSocket } from "./types.js";
import { ChatError, LIMITS, checkClientId, checkName, checkObject, checkRoom, checkText } from "./validate.js";

export const HISTORY_SIZE = 50;
const TYPING_MIN_INTERVAL = 500;

/** Shared state of one chat server, handed to every handler. */
export interface ChatContext {
  io: ChatServerIO;
  store: ChatStore;
  /** This process's own users and room members (name claims, takeovers). */
  presence: Presence;
  /** What users see: this process's Presence, or every node's sockets in a cluster. */
  directory: Directory;
  /** Writes still on their way to the store; `close()` waits for them. */
  pending: Set<Promise<void>>;
}

type Handler = (ctx: ChatContext, socket: ChatSocket, payload: unknown) => AckResult | Promise<AckResult>;

const handlers: Record<string, Handler> = { message, private: privateMessage, join, leave };

/** Registers the chat events on a freshly connected socket. */
export function registerHandlers(ctx: ChatContext, socket: ChatSocket): void {
  for (const [event, handler] of Object.entries(handlers)) {
    socket.on(event as "message", (payload: unknown, ack?: unknown) => void run(ctx, socket, handler, payload, ack));
  }
  socket.on("typing", (payload: unknown) => typing(ctx, socket, payload));
}

async function run(ctx: ChatContext, socket: ChatSocket, handler: Handler, payload: unknown, ack: unknown): Promise<void> {
  let result: AckResult;
  try {
    const verdict = socket.data.bucket.take();
    if (verdict === "kick") {
      socket.disconnect(true);
      return;
    }
    if (verdict === "slow") throw new ChatError("ERR_CHAT_RATE_LIMITED", "You are sending too fast; slow down");
    result = await handler(ctx, socket, payload);
  } catch (err) {
    if (err instanceof ChatError) result = { ok: false, code: err.code, error: err.message };
    else {
      console.error("chat: handler failed", err);
      result = { ok: false, code: "ERR_CHAT_INTERNAL", error: "Internal error" };
    }
  }
  if (typeof ack === "function") ack(result);
}

function message(ctx: ChatContext, socket: ChatSocket, payload: unknown): AckResult {
  const p = checkObject(payload);
  const room = checkRoom(p["room"]);
  const text = checkText(p["text"]);
  const cid = checkClientId(p["cid"]);
  if (!socket.data.rooms.has(room)) throw new ChatError("ERR_CHAT_NOT_IN_ROOM", `Join #${room} before writing to it`);
  const msg: ChatMessage = { id: randomUUID(), room, from: socket.data.name, text, ts: Date.now() };
  // Deliver first, then persist: a slow or absent database must not delay or reorder the live chat.
  ctx.io.to(room).emit("message", cid === undefined ? msg : { ...msg, cid });
  persist(ctx, msg);
  return { ok: true, message: msg };
}

function persist(ctx: ChatContext, msg: ChatMessage): void {
  const write = ctx.store.add(msg).then(
    () => undefined,
    (err: unknown) => console.error(`chat: message ${msg.id} not saved to history: ${(err as Error).message}`),
  );
  ctx.pending.add(write);
  void write.finally(() => ctx.pending.delete(write));
}

async function privateMessage(ctx: ChatContext, socket: ChatSocket, payload: unknown): Promise<AckResult> {
  const p = checkObject(payload);
  const to = checkName(p["to"]);
  const text = checkText(p["text"]);
  const cid = checkClientId(p["cid"]);
  // In a cluster the recipient may be on another node: the adapter carries the emit there.
  const target = await ctx.directory.holder(to);
  if (!target) throw new ChatError("ERR_CHAT_NO_SUCH_USER", `${to} is not online`);
  if (target.socketId === socket.id) throw new ChatError("ERR_CHAT_SELF", "You cannot send a private message to yourself");
  const msg = { id: randomUUID(), from: socket.data.name, to: target.name, text, ts: Date.now() };
  ctx.io.to(target.socketId).emit("private", msg);
  socket.emit("private", cid === undefined ? msg : { ...msg, cid });
  return { ok: true, message: msg };
}

async function join(ctx: ChatContext, socket: ChatSocket, payload: unknown): Promise<AckResult> {
  const room = checkRoom(checkObject(payload)["room"]);
  if (!socket.data.rooms.has(room) && socket.data.rooms.size >= LIMITS.rooms) {
    throw new ChatError("ERR_CHAT_TOO_MANY_ROOMS", `You can be in at most ${LIMITS.rooms} rooms`);
  }
  return { ok: true, ...(await enterRoom(ctx, socket, room)) };
}

/** Puts `socket` in `room` (announced to the room) and returns the room's state for the joiner. */
export async function enterRoom(
  ctx: ChatContext,
  socket: ChatSocket,
  room: string,
): Promise<{ room: string; members: string[]; history: ChatMessage[] }> {
  const history = await ctx.store.recent(room, HISTORY_SIZE).catch((err: unknown) => {
    console.error(`chat: history of #${room} unavailable: ${(err as Error).message}`);
    return [];
  });
  if (!socket.connected) return { room, members: [], history };
  if (!socket.data.rooms.has(room)) {
    socket.data.rooms.add(room);
    void socket.join(room);
    ctx.presence.join(room, socket.id, socket.data.name);
    socket.to(room).emit("notice", { room, text: `${socket.data.name} joined #${room}`, ts: Date.now() });
    await announceRoom(ctx, room);
  }
  return { room, members: await ctx.directory.members(room), history };
}

function leave(ctx: ChatContext, socket: ChatSocket, payload: unknown): AckResult {
  const room = checkRoom(checkObject(payload)["room"]);
  if (!socket.data.rooms.has(room)) throw new ChatError("ERR_CHAT_NOT_IN_ROOM", `You are not in #${room}`);
  exitRoom(ctx, socket, room, true);
  return { ok: true, room };
}

/** Takes `socket` out of `room`; `notice` is false when the same name is still there through a newer socket. */
export function exitRoom(ctx: ChatContext, socket: ChatSocket, room: string, notice: boolean): void {
  socket.data.rooms.delete(room);
  void socket.leave(room);
  ctx.presence.leave(room, socket.id);
  if (notice) ctx.io.to(room).emit("notice", { room, text: `${socket.data.name} left #${room}`, ts: Date.now() });
  void announceRoom(ctx, room);
}

/** Sends the new member list to the room and the room list to everyone (never rejects: a miss is logged). */
export async function announceRoom(ctx: ChatContext, room: string): Promise<void> {
  try {
    const [members, rooms] = await Promise.all([ctx.directory.members(room), ctx.directory.rooms()]);
    ctx.io.to(room).emit("members", { room, members });
    ctx.io.emit("rooms", rooms);
  } catch (err) {
    // In a cluster, a node that does not answer in time fails the lookup; the next change sends fresh lists.
    console.error(`chat: cannot list the members of #${room}: ${(err as Error).message}`);
  }
}

// Volatile and throttled: a lost "is typing" is harmless, a flood of them is not.
function typing(ctx: ChatContext, socket: ChatSocket, payload: unknown): void {
  try {
    const room = checkRoom(checkObject(payload)["room"]);
    const now = Date.now();
    if (!socket.data.rooms.has(room) || now - socket.data.lastTyping < TYPING_MIN_INTERVAL) return;
    socket.data.lastTyping = now;
    socket.to(room).volatile.emit("typing", { room, name: socket.data.name });
  } catch {
    // A malformed typing signal is simply dropped: it has no ack to carry an error.
  }
}
