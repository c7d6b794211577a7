// The stored broadcasts of a RecoveryLog by target room, so a recovery reads what was sent to the session's rooms (and
// to everyone) instead of every packet since its offset: a client in one quiet room while many others are busy costs
// little to recover.
import type { Room } from "./types.js";

/** Position of the first element of an ascending `list` above `value`. */
function firstAbove(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sequence numbers of stored packets, by room (a packet to several rooms is listed under each). */
export class RoomSeqIndex {
  readonly #byRoom = new Map<Room, number[]>();
  /** Packets to everyone (no room). */
  readonly #toAll: number[] = [];

  /** Record packet `seq` (ascending across calls) sent to `rooms` (everyone when empty). */
  add(seq: number, rooms: ReadonlySet<Room>): void {
    if (rooms.size === 0) {
      this.#toAll.push(seq);
      return;
    }
    for (const room of rooms) {
      const list = this.#byRoom.get(room);
      if (list === undefined) this.#byRoom.set(room, [seq]);
      else list.push(seq);
    }
  }

  /** The packets after `seq` sent to everyone or to one of `rooms`: ascending, each once. */
  after(seq: number, rooms: readonly Room[]): number[] {
    const out: number[] = [];
    let lists = 0;
    for (const list of [this.#toAll, ...rooms.map((r) => this.#byRoom.get(r))]) {
      if (list === undefined) continue;
      const from = firstAbove(list, seq);
      if (from === list.length) continue;
      lists++;
      for (let i = from; i < list.length; i++) out.push(list[i] as number);
    }
    if (lists <= 1) return out;
    out.sort((a, b) => a - b);
    let n = 0;
    for (let i = 0; i < out.length; i++)
      if (i === 0 || out[i] !== out[i - 1]) out[n++] = out[i] as number;
    out.length = n;
    return out;
  }

  /** Forget the packets below `min` (dropped from the log). */
  prune(min: number): void {
    this.#toAll.splice(0, firstAbove(this.#toAll, min - 1));
    for (const [room, list] of this.#byRoom) {
      list.splice(0, firstAbove(list, min - 1));
      if (list.length === 0) this.#byRoom.delete(room);
    }
  }

  clear(): void {
    this.#byRoom.clear();
    this.#toAll.length = 0;
  }
}
