import { randomBytes } from "node:crypto";
import createDebug from "debug";
import { RequestTimeoutError } from "./errors.js";

const debug = createDebug("socket.io-adapter:requests");

/** How a request ends: `err` is null when every expected answer arrived, else why it stopped early. */
export type RequestDone = (err: Error | null, responses: unknown[]) => void;

export interface RequestSpec {
  /** How many answers to wait for (usually `serverCount() - 1`). */
  expected: number;
  /** The nodes expected to answer, when known: lets the timeout name the silent ones and a gone node count as answered. */
  nodes?: Iterable<string>;
  /** Give up after this many ms, with the partial result and a {@link RequestTimeoutError}. */
  timeout: number;
  /** Initial responses (e.g. the local result, which counts for nothing). */
  responses?: unknown[];
  done: RequestDone;
}

interface Pending {
  expected: number;
  received: number;
  waitingFor: Set<string> | undefined;
  answered: Set<string>;
  responses: unknown[];
  timer: ReturnType<typeof setTimeout>;
  done: RequestDone;
}

/**
 * Bookkeeping of cross-node requests, shared by every cluster adapter whatever its wire format: request ids,
 * one timer per request, answers counted per request, partial results with an error naming the silent nodes
 * at the timeout, and early completion when a node known to be gone was the last one awaited.
 *
 * @example
 * const requests = new RequestTracker();
 * const id = requests.start({ expected: 2, timeout: 5000, done: (err, responses) => ack(err, responses) });
 * transport.publish({ type: "ask", requestId: id });
 * // later, for each answer:
 * requests.answer(id, fromUid, value);
 */
export class RequestTracker {
  readonly #pending = new Map<string, Pending>();

  /** Number of requests still waiting. */
  get size(): number {
    return this.#pending.size;
  }

  /** True when `id` is one of our pending requests (e.g. to ignore our own request echoed by the broker). */
  has(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Register a request and return its id. With `expected <= 0` it completes at once. */
  start(spec: RequestSpec): string {
    const id = randomBytes(8).toString("hex");
    const responses = spec.responses ?? [];
    if (spec.expected <= 0) {
      queueMicrotask(() => spec.done(null, responses));
      return id;
    }
    const timer = setTimeout(() => this.#expire(id), spec.timeout);
    timer.unref?.();
    this.#pending.set(id, {
      expected: spec.expected,
      received: 0,
      waitingFor: spec.nodes === undefined ? undefined : new Set(spec.nodes),
      answered: new Set(),
      responses,
      timer,
      done: spec.done,
    });
    return id;
  }

  /**
   * Record one node's answer. `values` are appended to the responses (a FETCH_SOCKETS answer carries many sockets,
   * a SERVER_SIDE_EMIT answer one value). Answers to unknown or finished requests are ignored; a node that already
   * answered is not counted twice when its uid is known (`from`); an answer from a node not in `nodes` still counts.
   */
  answer(id: string, from: string | undefined, values: unknown[]): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    if (from !== undefined) {
      if (p.answered.has(from)) {
        debug("ignoring a second answer from %s to %s", from, id);
        return;
      }
      p.answered.add(from);
      p.waitingFor?.delete(from);
    }
    for (const v of values) p.responses.push(v);
    p.received++;
    this.#maybeFinish(id, p);
  }

  /** A node left the cluster: stop waiting for it in every request that named it. */
  nodeGone(uid: string): void {
    for (const [id, p] of this.#pending) {
      if (p.waitingFor?.delete(uid) === true) {
        p.expected--;
        this.#maybeFinish(id, p);
      }
    }
  }

  /** End one request now with an error (e.g. its message could not be published). */
  fail(id: string, err: Error): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.#pending.delete(id);
    p.done(err, p.responses);
  }

  /** End every pending request with `err` (adapter closing). */
  failAll(err: Error): void {
    for (const id of [...this.#pending.keys()]) this.fail(id, err);
  }

  #maybeFinish(id: string, p: Pending): void {
    if (p.received < p.expected) return;
    clearTimeout(p.timer);
    this.#pending.delete(id);
    p.done(null, p.responses);
  }

  #expire(id: string): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.#pending.delete(id);
    const silent = p.waitingFor === undefined ? [] : [...p.waitingFor];
    debug("request %s timed out: %d of %d answers", id, p.received, p.expected);
    p.done(new RequestTimeoutError(p.expected - p.received, silent, p.responses), p.responses);
  }
}
