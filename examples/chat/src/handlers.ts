// The chat's events, one handler each. Payloads reach them validated and normalised by the contract
// (src/contract.ts); what a schema cannot know (room membership, who is online, the rate) is checked here, and
// refused in the contract's ack shape, `{ error: { code, event, issues } }`, so the page reads every refusal alike.
import { randomUUID } from "node:crypto";
import type { ChatStore, ChatMessage } from "./store.js";
import type { Presence } from "./presence.js";
import type { Directory } from "./directory.js";
import type { Refusal } from "./contract.js";
import { rememberRoom, roomList } from "./room-list.js";
import type { ChatServerIO, ChatSocket, ClientEvents } from "./types.js";
import { ChatError, LIMITS } from "./validate.js";

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
  /** Rooms with history, listed even when empty (see room-list.ts). */
  known: Set<string>;
  /** "name\nroom" of the "X left" notices this process sent: a resumed client that was seen leaving is announced back. */
  departed: Set<string>;
  /** Set by `close()`: a shutdown disconnects everyone, which must not read as everyone leaving. */
  closing: boolean;
}

/** A validated payload of `event`, as the contract hands it to the handler. */
type Payload<E extends keyof ClientEvents> = Parameters<ClientEvents[E]>[0];
/** What the ack of `event` accepts (the contract checks it again before it leaves). */
type Answer<E extends "message" | "private" | "join" | "leave"> = ClientEvents[E] extends (
  payload: never,
  ack: (result: infer R) => void,
) => void
  ? R
  : never;

/** Registers the rate limit and the chat events on a freshly connected socket. */
export function registerHandlers(ctx: ChatContext, socket: ChatSocket): void {
  socket.use((packet, next) => limitRate(socket, packet, next));
  socket.on("message", (p, ack) => void answer("message", ack, () => message(ctx, socket, p)));
  socket.on(
    "private",
    (p, ack) => void answer("private", ack, () => privateMessage(ctx, socket, p)),
  );
  socket.on("join", (p, ack) => void answer("join", ack, () => join(ctx, socket, p)));
  socket.on("leave", (p, ack) => void answer("leave", ack, () => leave(ctx, socket, p)));
  socket.on("typing", (p) => typing(ctx, socket, p));
}

/**
 * The flood limit, as an event middleware: it runs before the contract, so malformed events cost tokens too.
 * An event over the limit is answered `ERR_CHAT_RATE_LIMITED` (when it has an ack) and dropped.
 */
function limitRate(socket: ChatSocket, packet: unknown[], next: (err?: Error) => void): void {
  const verdict = socket.data.bucket.take();
  if (verdict === "ok") return next();
  if (verdict === "kick") return void socket.disconnect(true);
  const ack = packet[packet.length - 1];
  const err = new ChatError("ERR_CHAT_RATE_LIMITED", "You are sending too fast; slow down");
  if (typeof ack === "function") (ack as (r: Refusal) => void)(refusal(String(packet[0]), err));
}

/** The ack answer for a refusal of the chat's own, in the contract's shape. */
export function refusal(event: string, err: ChatError): Refusal {
  return {
    error: { code: err.code, event, issues: [{ path: [...err.path], message: err.message }] },
  };
}

async function answer<E extends "message" | "private" | "join" | "leave">(
  event: E,
  ack: ((result: Answer<E>) => void) | undefined,
  handle: () => Answer<E> | Promise<Answer<E>>,
): Promise<void> {
  let result: Answer<E>;
  try {
    result = await handle();
  } catch (err) {
    if (!(err instanceof ChatError)) console.error(`chat: ${event} handler failed`, err);
    const chatError =
      err instanceof ChatError ? err : new ChatError("ERR_CHAT_INTERNAL", "Internal error");
    // Every event's ack schema accepts a refusal (the union in contract.ts); E is only known per call.
    result = refusal(event, chatError) as Answer<E>;
  }
  // The contract requires an ack for these events' types, but a client may still send one without.
  if (typeof ack === "function") ack(result);
}

function message(ctx: ChatContext, socket: ChatSocket, p: Payload<"message">): Answer<"message"> {
  const { room, text, cid } = p;
  if (!socket.data.rooms.has(room))
    throw new ChatError("ERR_CHAT_NOT_IN_ROOM", `Join #${room} before writing to it`, [0, "room"]);
  const msg: ChatMessage = { id: randomUUID(), room, from: socket.data.name, text, ts: Date.now() };
  // Deliver first, then persist: a slow or absent database must not delay or reorder the live chat.
  ctx.io.to(room).emit("message", cid === undefined ? msg : { ...msg, cid });
  persist(ctx, msg);
  rememberRoom(ctx, room);
  return { ok: true, message: msg };
}

function persist(ctx: ChatContext, msg: ChatMessage): void {
  const write = ctx.store.add(msg).then(
    () => undefined,
    (err: unknown) =>
      console.error(`chat: message ${msg.id} not saved to history: ${(err as Error).message}`),
  );
  ctx.pending.add(write);
  void write.finally(() => ctx.pending.delete(write));
}

async function privateMessage(
  ctx: ChatContext,
  socket: ChatSocket,
  p: Payload<"private">,
): Promise<Answer<"private">> {
  const { to, text, cid } = p;
  // In a cluster the recipient may be on another node: the adapter carries the emit there.
  const target = await ctx.directory.holder(to);
  if (!target) throw new ChatError("ERR_CHAT_NO_SUCH_USER", `${to} is not online`, [0, "to"]);
  if (target.socketId === socket.id)
    throw new ChatError("ERR_CHAT_SELF", "You cannot send a private message to yourself", [
      0,
      "to",
    ]);
  const msg = { id: randomUUID(), from: socket.data.name, to: target.name, text, ts: Date.now() };
  ctx.io.to(target.socketId).emit("private", msg);
  socket.emit("private", cid === undefined ? msg : { ...msg, cid });
  return { ok: true, message: msg };
}

async function join(
  ctx: ChatContext,
  socket: ChatSocket,
  { room }: Payload<"join">,
): Promise<Answer<"join">> {
  if (!socket.data.rooms.has(room) && socket.data.rooms.size >= LIMITS.rooms) {
    throw new ChatError("ERR_CHAT_TOO_MANY_ROOMS", `You can be in at most ${LIMITS.rooms} rooms`, [
      0,
      "room",
    ]);
  }
  return { ok: true, ...(await enterRoom(ctx, socket, room)) };
}

/**
 * Puts `socket` in `room` (announced to the room unless `quiet`: a client coming back after a server restart
 * rejoins silently, since nobody saw it leave) and returns the room's state for the joiner.
 */
export async function enterRoom(
  ctx: ChatContext,
  socket: ChatSocket,
  room: string,
  quiet = false,
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
    rememberRoom(ctx, room);
    const seenLeaving = ctx.departed.delete(`${socket.data.name.toLowerCase()}\n${room}`);
    if (!quiet || seenLeaving)
      socket
        .to(room)
        .emit("notice", { room, text: `${socket.data.name} joined #${room}`, ts: Date.now() });
    await announceRoom(ctx, room);
  }
  return { room, members: await ctx.directory.members(room), history };
}

function leave(ctx: ChatContext, socket: ChatSocket, { room }: Payload<"leave">): Answer<"leave"> {
  if (!socket.data.rooms.has(room))
    throw new ChatError("ERR_CHAT_NOT_IN_ROOM", `You are not in #${room}`, [0, "room"]);
  exitRoom(ctx, socket, room, true);
  return { ok: true, room };
}

/** Takes `socket` out of `room`; `notice` is false when the same name is still there through a newer socket. */
export function exitRoom(
  ctx: ChatContext,
  socket: ChatSocket,
  room: string,
  notice: boolean,
): void {
  socket.data.rooms.delete(room);
  void socket.leave(room);
  ctx.presence.leave(room, socket.id);
  if (ctx.closing) return;
  if (notice) {
    if (ctx.departed.size >= 10_000) ctx.departed.clear(); // a bound, not a cache policy
    ctx.departed.add(`${socket.data.name.toLowerCase()}\n${room}`);
    ctx.io
      .to(room)
      .emit("notice", { room, text: `${socket.data.name} left #${room}`, ts: Date.now() });
  }
  void announceRoom(ctx, room);
}

/** Sends the new member list to the room and the room list to everyone (never rejects: a miss is logged). */
export async function announceRoom(ctx: ChatContext, room: string): Promise<void> {
  try {
    const [members, rooms] = await Promise.all([ctx.directory.members(room), roomList(ctx)]);
    ctx.io.to(room).emit("members", { room, members });
    ctx.io.emit("rooms", rooms);
  } catch (err) {
    // In a cluster, a node that does not answer in time fails the lookup; the next change sends fresh lists.
    console.error(`chat: cannot list the members of #${room}: ${(err as Error).message}`);
  }
}

// Volatile and throttled: a lost "is typing" is harmless, a flood of them is not. A malformed one never gets here:
// the contract drops it (it has no ack to carry an error).
function typing(ctx: ChatContext, socket: ChatSocket, { room }: Payload<"typing">): void {
  const now = Date.now();
  if (!socket.data.rooms.has(room) || now - socket.data.lastTyping < TYPING_MIN_INTERVAL) return;
  socket.data.lastTyping = now;
  socket.to(room).volatile.emit("typing", { room, name: socket.data.name });
}
