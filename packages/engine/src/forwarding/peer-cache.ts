// The addresses of peers by tag. A tag is random per node start and its address never changes, so a
// positive answer of the directory can be kept; only a failed connection drops it (the node is gone).

/** Entries kept by default: far more peers than a cluster has, and a bound for forged tags. */
export const PEER_CACHE_SIZE = 1024;

/** @internal A bounded least-recently-used map; `onEvict` sees entries pushed out or deleted. */
export class PeerCache<V> {
  readonly #max: number;
  readonly #entries = new Map<string, V>();
  readonly #onEvict: (value: V) => void;

  constructor(max = PEER_CACHE_SIZE, onEvict: (value: V) => void = () => {}) {
    this.#max = max;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry, marked as the most recently used. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    // A Map iterates in insertion order: re-inserting moves the key to the young end.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      if (old !== value) this.#onEvict(old);
    } else if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.delete(oldest.value);
    }
    this.#entries.set(key, value);
  }

  delete(key: string): boolean {
    const value = this.#entries.get(key);
    if (value === undefined) return false;
    this.#entries.delete(key);
    this.#onEvict(value);
    return true;
  }

  /** Empties the map (each entry is evicted). */
  clear(): void {
    for (const key of [...this.#entries.keys()]) this.delete(key);
  }
}
