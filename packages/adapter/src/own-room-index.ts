import type { Room, SocketId } from "./types.js";

/**
 * One of the adapter's two public maps (`rooms`: room → ids, `sids`: id → rooms) with the "solo" sockets
 * (in their own room and no other) kept out of it: most sockets are solo, and each would otherwise cost a
 * Set and an entry in both maps (issue #6, memory per socket). A solo socket `id` still reads, from either
 * map, as `id → Set { id }`: `has`, `size` and `keys` count it; `get`, `values`, `entries` and `forEach`
 * turn it into a stored entry first ("materialise"), so the Set handed out is the live one, as in
 * socket.io. The adapter itself reads the stored entries through {@link OwnRoomIndex.peek}.
 */
export class OwnRoomIndex extends Map<string, Set<string>> {
  readonly #solo: Set<SocketId>;
  readonly #materialise: (id: SocketId) => Set<string>;

  /**
   * @param solo the ids of the solo sockets, shared by both maps
   * @param materialise stores `id`'s own room in both maps and removes it from `solo`
   */
  constructor(solo: Set<SocketId>, materialise: (id: SocketId) => Set<Room>) {
    super();
    this.#solo = solo;
    this.#materialise = materialise;
  }

  /** The stored entry, never materialising a solo socket. */
  peek(key: string): Set<string> | undefined {
    return super.get(key);
  }

  /** The stored keys only (the solo ids are iterated separately). */
  storedKeys(): MapIterator<string> {
    return super.keys();
  }

  override get(key: string): Set<string> | undefined {
    const stored = super.get(key);
    if (stored !== undefined || !this.#solo.has(key)) return stored;
    return this.#materialise(key);
  }

  override has(key: string): boolean {
    return super.has(key) || this.#solo.has(key);
  }

  override get size(): number {
    return super.size + this.#solo.size;
  }

  override set(key: string, value: Set<string>): this {
    if (this.#solo.has(key)) this.#materialise(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    if (this.#solo.has(key)) this.#materialise(key);
    return super.delete(key);
  }

  override clear(): void {
    for (const id of this.#solo) this.#materialise(id);
    super.clear();
  }

  override keys(): MapIterator<string> {
    return this.#keys() as unknown as MapIterator<string>;
  }

  override values(): MapIterator<Set<string>> {
    return this.#values() as unknown as MapIterator<Set<string>>;
  }

  override entries(): MapIterator<[string, Set<string>]> {
    return this.#entries() as unknown as MapIterator<[string, Set<string>]>;
  }

  override [Symbol.iterator](): MapIterator<[string, Set<string>]> {
    return this.entries();
  }

  override forEach(
    callback: (value: Set<string>, key: string, map: Map<string, Set<string>>) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, value] of this.#entries()) callback.call(thisArg, value, key, this);
  }

  *#keys(): Generator<string, void, undefined> {
    yield* this.#solo;
    yield* super.keys();
  }

  *#values(): Generator<Set<string>, void, undefined> {
    for (const [, value] of this.#entries()) yield value;
  }

  // Stored entries first: materialising a solo id moves it to the stored ones, whose iteration is then over,
  // so each key is seen once (a solo id materialised by the caller meanwhile is seen in the stored ones).
  *#entries(): Generator<[string, Set<string>], void, undefined> {
    yield* super.entries();
    for (const id of this.#solo) yield [id, this.#materialise(id)];
  }
}
