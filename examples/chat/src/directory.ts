// Who is online and who is in which room, as the chat shows it. One process answers from its Presence;
// several processes (the cluster) ask every node through the adapter (`fetchSockets`), so each user list,
// room list and member list covers all workers.
import type { Presence, RoomInfo } from "./presence.js";
import type { ChatServerIO } from "./types.js";

/** A connected user: display name, the socket holding it, the tab's reconnect token. */
export interface UserRef {
  name: string;
  socketId: string;
  token: string | undefined;
}

export interface Directory {
  /** Whether the answers cover other processes (then `holder` may name a socket on another node). */
  readonly shared: boolean;
  /** The socket holding `name` (case-insensitive), wherever it is. */
  holder(name: string): Promise<UserRef | undefined>;
  users(): Promise<string[]>;
  members(room: string): Promise<string[]>;
  rooms(): Promise<RoomInfo[]>;
}

/** The single-process directory: the local Presence is the whole truth. */
export function localDirectory(presence: Presence): Directory {
  return {
    shared: false,
    holder: async (name) => presence.holder(name),
    users: async () => presence.users(),
    members: async (room) => presence.members(room),
    rooms: async () => presence.rooms(),
  };
}

/**
 * The cluster directory: every answer comes from `fetchSockets()`, which the adapter (Redis) gathers from
 * every node. Names and rooms live in each socket's `data` and rooms, so nothing else has to be shared.
 * When the other nodes cannot be asked (Redis down), answers come from `fallback` (this process's
 * Presence): the chat keeps working for the users of this worker instead of failing every join.
 */
export function clusterDirectory(
  io: ChatServerIO,
  permanentRooms: readonly string[],
  fallback: Directory,
): Directory {
  const all = async (): Promise<UserRef[]> => refs(await io.fetchSockets());
  let degraded = false;
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>, local: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await fn(...args);
        if (degraded)
          console.error("chat: the other workers answer again; lists cover every worker");
        degraded = false;
        return result;
      } catch (err) {
        if (!degraded)
          console.error(
            `chat: cannot ask the other workers (${(err as Error).message}); showing this worker's users only`,
          );
        degraded = true;
        return local(...args);
      }
    };
  const remote: Directory = {
    shared: true,
    async holder(name) {
      const key = name.toLowerCase();
      return (await all()).find((u) => u.name.toLowerCase() === key);
    },
    async users() {
      return unique((await all()).map((u) => u.name));
    },
    async members(room) {
      return unique(refs(await io.in(room).fetchSockets()).map((u) => u.name));
    },
    async rooms() {
      const byRoom = new Map<string, Set<string>>(permanentRooms.map((r) => [r, new Set()]));
      for (const socket of await io.fetchSockets()) {
        const name = nameOf(socket.data);
        if (name === undefined) continue;
        for (const room of socket.rooms) {
          if (room === socket.id) continue; // every socket is alone in a room named after its id
          let names = byRoom.get(room);
          if (!names) byRoom.set(room, (names = new Set()));
          names.add(name);
        }
      }
      return [...byRoom.keys()]
        .sort(compare)
        .map((name) => ({ name, count: byRoom.get(name)!.size }));
    },
  };
  return {
    shared: true,
    holder: guard(remote.holder, fallback.holder),
    users: guard(remote.users, fallback.users),
    members: guard(remote.members, fallback.members),
    rooms: guard(remote.rooms, fallback.rooms),
  };
}

type AnySocket = { id: string; data: unknown };

function refs(sockets: readonly AnySocket[]): UserRef[] {
  return sockets.flatMap((s) => {
    const name = nameOf(s.data);
    if (name === undefined) return [];
    const token = (s.data as { token?: unknown }).token;
    return [{ name, socketId: s.id, token: typeof token === "string" ? token : undefined }];
  });
}

// `data` of a socket on another node arrived over the wire: trust nothing about its shape.
function nameOf(data: unknown): string | undefined {
  const name =
    typeof data === "object" && data !== null ? (data as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : undefined;
}

function unique(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const n of names) if (!seen.has(n)) seen.set(n, n);
  return [...seen.values()].sort(compare);
}

function compare(a: string, b: string): number {
  return a.localeCompare(b, "en", { sensitivity: "base" });
}
