// Who is online (by display name) and who is in which room (by socket id).

export interface RoomInfo {
  name: string;
  count: number;
}

interface Entry {
  name: string;
  socketId: string;
  token: string | undefined;
}

export class Presence {
  /** Lower-cased name -> the socket that holds it. */
  readonly #users = new Map<string, Entry>();
  /** Room -> socket ids -> display names. */
  readonly #rooms = new Map<string, Map<string, string>>();
  readonly #permanent: ReadonlySet<string>;

  constructor(permanentRooms: Iterable<string>) {
    this.#permanent = new Set(permanentRooms);
  }

  /** The socket id holding `name` (case-insensitive), if any. */
  holder(name: string): Entry | undefined {
    return this.#users.get(name.toLowerCase());
  }

  claim(name: string, socketId: string, token: string | undefined): void {
    this.#users.set(name.toLowerCase(), { name, socketId, token });
  }

  /** Releases `name` only if `socketId` still holds it (a takeover by a newer socket keeps it). */
  release(name: string, socketId: string): boolean {
    const key = name.toLowerCase();
    if (this.#users.get(key)?.socketId !== socketId) return false;
    this.#users.delete(key);
    return true;
  }

  users(): string[] {
    return [...this.#users.values()].map((e) => e.name).sort(compare);
  }

  join(room: string, socketId: string, name: string): void {
    let members = this.#rooms.get(room);
    if (!members) this.#rooms.set(room, (members = new Map()));
    members.set(socketId, name);
  }

  leave(room: string, socketId: string): void {
    const members = this.#rooms.get(room);
    if (!members) return;
    members.delete(socketId);
    if (members.size === 0) this.#rooms.delete(room);
  }

  members(room: string): string[] {
    return [...new Set(this.#rooms.get(room)?.values())].sort(compare);
  }

  /** Rooms with members, plus the permanent ones (the default room is always listed). */
  rooms(): RoomInfo[] {
    const names = new Set([...this.#permanent, ...this.#rooms.keys()]);
    return [...names].sort(compare).map((name) => ({ name, count: this.members(name).length }));
  }
}

function compare(a: string, b: string): number {
  return a.localeCompare(b, "en", { sensitivity: "base" });
}
