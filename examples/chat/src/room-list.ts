// The room list users see: the rooms people are in (from the directory) plus the rooms that are empty now
// but have history, so a room does not vanish when its last member leaves.
import type { RoomInfo } from "./presence.js";
import type { ChatContext } from "./handlers.js";

/** How many empty rooms with history the list keeps (the most recently active ones). */
export const KNOWN_ROOMS_LIMIT = 100;

/** Loads the rooms that have history; a store that cannot answer leaves the list to live rooms only. */
export async function loadKnownRooms(ctx: Pick<ChatContext, "store" | "known">): Promise<void> {
  try {
    // Most recent first: add oldest first so the Set's order is "least recently active first".
    for (const room of (await ctx.store.rooms(KNOWN_ROOMS_LIMIT)).reverse())
      rememberRoom(ctx, room);
  } catch (err) {
    console.error(`chat: cannot list the rooms with history: ${(err as Error).message}`);
  }
}

/** Marks `room` as recently active, forgetting the least recently active one beyond the limit. */
export function rememberRoom(ctx: Pick<ChatContext, "known">, room: string): void {
  ctx.known.delete(room);
  ctx.known.add(room);
  if (ctx.known.size > KNOWN_ROOMS_LIMIT) {
    const oldest = ctx.known.values().next().value;
    if (oldest !== undefined) ctx.known.delete(oldest);
  }
}

/** Live rooms with their member counts, plus known empty rooms with a count of 0, sorted by name. */
export async function roomList(ctx: Pick<ChatContext, "directory" | "known">): Promise<RoomInfo[]> {
  const live = await ctx.directory.rooms();
  const listed = new Set(live.map((r) => r.name));
  const empty = [...ctx.known].filter((r) => !listed.has(r)).map((name) => ({ name, count: 0 }));
  return [...live, ...empty].sort((a, b) => a.name.localeCompare(b.name, "en"));
}
