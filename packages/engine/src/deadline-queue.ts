// A timer queue for deadlines that all share one constant delay. Pushing always appends a
// deadline later than (or equal to) every queued one, so the queue is a FIFO ordered by deadline:
// an intrusive doubly-linked list gives O(1) push and remove, and a single timer armed for the
// head serves every entry. The server keeps one queue per kind of deadline (next ping, pong
// deadline, upgrade timeout…) instead of one timer per socket.

/** Link of one value in a `DeadlineQueue`; owned by the value, reused across pushes. */
export class DeadlineNode<T> {
  /** @internal */ prev: DeadlineNode<T> | null = null;
  /** @internal */ next: DeadlineNode<T> | null = null;
  /** @internal */ queue: DeadlineQueue<T> | null = null;
  /** Time (queue clock, ms) at which the value expires; meaningful while queued. */
  deadline = 0;
  constructor(readonly value: T) {}

  /** Whether the node sits in a queue. */
  get queued(): boolean {
    return this.queue !== null;
  }
}

/** Options of a `DeadlineQueue`. */
export interface DeadlineQueueOptions {
  /**
   * Entries due within this many ms of the one that fired the timer expire with it, so that a
   * burst of sessions costs one timer callback instead of one each. Default `min(10, delay / 20)`.
   */
  slack?: number;
  /** Monotonic clock in ms. Default `performance.now`. */
  now?: () => number;
  /** Receives exceptions thrown by `onExpire` (they never escape the timer). */
  onError?: (err: unknown) => void;
}

/**
 * FIFO of deadlines with a constant delay and one shared, unref'd timer.
 * @example
 * const pings = new DeadlineQueue<Session>(25000, (s) => s.ping());
 * pings.push(session.pingNode); // session.ping() runs in 25 s unless removed first
 */
export class DeadlineQueue<T> {
  readonly delay: number;
  #head: DeadlineNode<T> | null = null;
  #tail: DeadlineNode<T> | null = null;
  #size = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #onExpire: (value: T) => void;
  readonly #slack: number;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;

  constructor(delay: number, onExpire: (value: T) => void, options: DeadlineQueueOptions = {}) {
    if (!(delay > 0)) throw new RangeError("delay must be positive");
    this.delay = delay;
    this.#onExpire = onExpire;
    // Slack must stay below the delay so entries re-pushed while expiring wait for the next run.
    this.#slack = Math.min(options.slack ?? Math.min(10, Math.floor(delay / 20)), delay / 2);
    this.#now = options.now ?? (() => performance.now());
    this.#onError = options.onError ?? (() => {});
  }

  /** Number of queued entries. */
  get size(): number {
    return this.#size;
  }

  /** (Re)queues a node to expire `delay` ms from now, taking it out of any queue it is in. */
  push(node: DeadlineNode<T>): void {
    if (node.queue !== null) node.queue.remove(node);
    node.deadline = this.#now() + this.delay;
    node.queue = this;
    node.prev = this.#tail;
    node.next = null;
    if (this.#tail === null) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#size++;
    if (this.#timer === null) this.#arm(this.delay);
  }

  /** Takes a node out of this queue; a no-op when it is not queued here. */
  remove(node: DeadlineNode<T>): void {
    if (node.queue !== this) return;
    if (node.prev === null) this.#head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.#tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = node.next = node.queue = null;
    // Leave no timer behind an empty queue; a non-empty one keeps its timer and re-arms lazily.
    if (--this.#size === 0) this.#disarm();
  }

  /** Empties the queue without expiring anything and stops the timer. */
  clear(): void {
    let node = this.#head;
    while (node !== null) {
      const next = node.next;
      node.prev = node.next = node.queue = null;
      node = next;
    }
    this.#head = this.#tail = null;
    this.#size = 0;
    this.#disarm();
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#fire, Math.max(0, Math.ceil(ms)));
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  readonly #fire = (): void => {
    this.#timer = null;
    // Entries pushed during this run get deadline >= start + delay > limit, so the loop ends.
    const limit = this.#now() + this.#slack;
    let head = this.#head;
    while (head !== null && head.deadline <= limit) {
      this.remove(head);
      try {
        this.#onExpire(head.value);
      } catch (err) {
        this.#onError(err);
      }
      head = this.#head;
    }
    if (head !== null && this.#timer === null) this.#arm(head.deadline - this.#now());
  };
}
