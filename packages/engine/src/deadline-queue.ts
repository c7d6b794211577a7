// A timer queue for deadlines that all share one constant delay. Pushing always appends a
// deadline later than (or equal to) every queued one, so the queue is a FIFO ordered by deadline:
// an intrusive doubly-linked list gives O(1) push and remove, and a single timer armed for the
// head serves every entry. The server keeps one queue per kind of deadline (next ping, pong
// deadline, upgrade timeout…) instead of one timer per socket. Two ways in: `push(link)` for values
// that are (or own) their link, allocation-free; `add(value)` for any value, keyed in a Map (the
// server's `connectTimeout`). Shared with the server through `@switchboard/engine/internal`.
import { reportError } from "./report.js";

/**
 * The link fields of an entry of a `DeadlineQueue`: a `DeadlineNode`, or an object that is its own
 * link (a session's heartbeat clock), which saves a node object per session.
 */
export interface DeadlineLink<T> {
  _dlPrev: DeadlineLink<T> | null;
  _dlNext: DeadlineLink<T> | null;
  _dlQueue: DeadlineQueue<T> | null;
  /** Time (queue clock, whole ms) at which the value expires; meaningful while queued. */
  _dlDeadline: number;
  /** What `onExpire` receives. */
  readonly _dlValue: T;
}

/** Link of one value in a `DeadlineQueue`; owned by the value, reused across pushes. */
export class DeadlineNode<T> implements DeadlineLink<T> {
  // Link fields, managed by the queues (never set them yourself).
  _dlPrev: DeadlineLink<T> | null = null;
  _dlNext: DeadlineLink<T> | null = null;
  _dlQueue: DeadlineQueue<T> | null = null;
  _dlDeadline = 0;
  constructor(readonly value: T) {}

  get _dlValue(): T {
    return this.value;
  }

  /** Whether the node sits in a queue. */
  get queued(): boolean {
    return this._dlQueue !== null;
  }
}

/** Options of a `DeadlineQueue`. */
export interface DeadlineQueueOptions {
  /**
   * Entries due within this many ms of the one that fired the timer expire with it, so that a
   * burst of sessions costs one timer callback instead of one each. Default `min(10, delay / 20)`.
   */
  slack?: number;
  /** Clock in ms. Default `performance.now` (monotonic); `Date.now` suits tests with fake `Date`. */
  now?: () => number;
  /** Receives exceptions thrown by `onExpire` (they never escape the timer). Default `console.error`. */
  onError?: (err: unknown) => void;
}

/**
 * FIFO of deadlines with a constant delay and one shared, unref'd timer.
 * @example
 * const pings = new DeadlineQueue<Session>(25000, (s) => s.ping());
 * pings.push(session.pingNode); // session.ping() runs in 25 s unless removed first
 * const timeouts = new DeadlineQueue<Client>(45000, (c) => c.close());
 * timeouts.add(client); // the same by value: no node to keep
 * timeouts.delete(client);
 */
export class DeadlineQueue<T> {
  readonly delay: number;
  #head: DeadlineLink<T> | null = null;
  #tail: DeadlineLink<T> | null = null;
  #size = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #onExpire: (value: T) => void;
  readonly #slack: number;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  /** Nodes of the values queued by `add()`, made on first use. */
  #nodes: Map<T, DeadlineNode<T>> | null = null;

  constructor(delay: number, onExpire: (value: T) => void, options: DeadlineQueueOptions = {}) {
    if (!(delay > 0)) throw new RangeError("delay must be positive");
    this.delay = delay;
    this.#onExpire = onExpire;
    // Slack must stay below the delay so entries re-pushed while expiring wait for the next run.
    this.#slack = Math.min(options.slack ?? Math.min(10, Math.floor(delay / 20)), delay / 2);
    this.#now = options.now ?? (() => performance.now());
    this.#onError = options.onError ?? reportError;
  }

  /** Number of queued entries. */
  get size(): number {
    return this.#size;
  }

  /** (Re)queues a node to expire `delay` ms from now, taking it out of any queue it is in. */
  push(node: DeadlineLink<T>): void {
    if (node._dlQueue === this) {
      // Moving to the tail keeps the timer: a queue whose only entry is re-pushed again and again
      // (a session's POST bodies) would otherwise clear and set a timer every time.
      this.#unlink(node);
      this.#size--;
    } else if (node._dlQueue !== null) node._dlQueue.remove(node);
    // Whole milliseconds stay small integers (no boxed double per session); rounding up keeps the
    // FIFO ordered and never expires an entry early.
    node._dlDeadline = Math.ceil(this.#now() + this.delay);
    node._dlQueue = this;
    node._dlPrev = this.#tail;
    node._dlNext = null;
    if (this.#tail === null) this.#head = node;
    else this.#tail._dlNext = node;
    this.#tail = node;
    this.#size++;
    if (this.#timer === null) this.#arm(this.delay);
  }

  /** Takes a node out of this queue; a no-op when it is not queued here. */
  remove(node: DeadlineLink<T>): void {
    if (node._dlQueue !== this) return;
    this.#unlink(node);
    node._dlQueue = null;
    // Leave no timer behind an empty queue; a non-empty one keeps its timer and re-arms lazily.
    if (--this.#size === 0) this.#disarm();
  }

  /** Takes a node out of the list (its queue, the size and the timer are the caller's). */
  #unlink(node: DeadlineLink<T>): void {
    if (node._dlPrev === null) this.#head = node._dlNext;
    else node._dlPrev._dlNext = node._dlNext;
    if (node._dlNext === null) this.#tail = node._dlPrev;
    else node._dlNext._dlPrev = node._dlPrev;
    node._dlPrev = node._dlNext = null;
  }

  /**
   * (Re)queues `value` to expire `delay` ms from now, like `push()` for a value that is not a link
   * (one node per value, kept while it is queued).
   */
  add(value: T): void {
    const nodes = (this.#nodes ??= new Map<T, DeadlineNode<T>>());
    let node = nodes.get(value);
    if (node === undefined) {
      node = new DeadlineNode(value);
      nodes.set(value, node);
    }
    this.push(node);
  }

  /** Takes a value queued by `add()` out of the queue; false when it was not queued. */
  delete(value: T): boolean {
    const node = this.#nodes?.get(value);
    if (node === undefined) return false;
    this.#nodes!.delete(value);
    this.remove(node);
    return true;
  }

  /** Whether a value queued by `add()` is still waiting. */
  has(value: T): boolean {
    return this.#nodes?.has(value) ?? false;
  }

  /** Empties the queue without expiring anything and stops the timer. */
  clear(): void {
    this.#nodes?.clear();
    let node = this.#head;
    while (node !== null) {
      const next = node._dlNext;
      node._dlPrev = node._dlNext = null;
      node._dlQueue = null;
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
    while (head !== null && head._dlDeadline <= limit) {
      this.remove(head);
      if (this.#nodes !== null && this.#nodes.get(head._dlValue) === head)
        this.#nodes.delete(head._dlValue);
      try {
        this.#onExpire(head._dlValue);
      } catch (err) {
        this.#onError(err);
      }
      head = this.#head;
    }
    if (head !== null && this.#timer === null) this.#arm(head._dlDeadline - this.#now());
  };
}
