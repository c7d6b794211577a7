// A node's tag in the directory: chosen at random, claimed with the node's address once it is known,
// chosen again if another live node holds it, claimed again after a failure (with backoff), released
// on the way out. Handshakes made while the first claim is under way wait for it, briefly.
import createDebug from "debug";
import type { ForwardingDirectory } from "./options.js";
import { randomTag } from "./sid-tag.js";

const debug = createDebug("engine:forwarding");

/** Tags tried in a row before giving up (a clash of 36-bit random tags is already rare). */
const MAX_TAG_CLASHES = 8;
/** Backoff of a claim the directory failed: first and last delay, in ms. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 30_000;

/** @internal Where the claim stands. */
export type ClaimState =
  "unaddressed" | "claiming" | "claimed" | "retrying" | "failed" | "released";

/** @internal The claim of one node's tag. */
export class TagClaim {
  #directory: ForwardingDirectory;
  #tag = randomTag();
  #address: string | null = null;
  #state: ClaimState = "unaddressed";
  /** Bumped by every new claim and by release: a stale answer is ignored (and undone). */
  #generation = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #retries = 0;
  #settled: Promise<void> = Promise.resolve();
  #settle: () => void = () => {};

  constructor(directory: ForwardingDirectory) {
    this.#directory = directory;
  }

  get tag(): string {
    return this.#tag;
  }

  get address(): string | null {
    return this.#address;
  }

  get state(): ClaimState {
    return this.#state;
  }

  /** Resolves once the claim under way succeeded or failed (at once when none is). */
  get settled(): Promise<void> {
    return this.#settled;
  }

  /** The address became known (given, or the http.Server is listening): claims the tag. */
  setAddress(address: string): void {
    if (this.#state === "released" || this.#address === address) return;
    this.#address = address;
    this.#claim();
  }

  /** Moves the claim to another directory (the old one is released). */
  setDirectory(directory: ForwardingDirectory): void {
    if (directory === this.#directory) return;
    this.#releaseOn(this.#directory);
    this.#directory = directory;
    if (this.#address !== null && this.#state !== "released") this.#claim();
  }

  /** Stops the claim and removes the tag from the directory. */
  release(): void {
    if (this.#state === "released") return;
    this.#generation++;
    this.#state = "released";
    this.#stopRetry();
    this.#settle();
    this.#releaseOn(this.#directory);
  }

  #claim(): void {
    const generation = ++this.#generation;
    this.#stopRetry();
    if (this.#state !== "claiming") {
      this.#state = "claiming";
      this.#settled = new Promise<void>((resolve) => (this.#settle = resolve));
    }
    void this.#attempt(generation, 0);
  }

  async #attempt(generation: number, clashes: number): Promise<void> {
    const directory = this.#directory;
    const tag = this.#tag;
    let ok: boolean;
    try {
      ok = await directory.claim(tag, this.#address!);
    } catch (err) {
      if (generation !== this.#generation) return;
      debug("claiming tag %s failed: %O", tag, err);
      this.#state = "retrying";
      this.#settle();
      this.#scheduleRetry();
      return;
    }
    if (generation !== this.#generation) {
      // Superseded (released, or claimed again elsewhere) while the directory answered.
      if (ok && (this.#state === "released" || directory !== this.#directory))
        this.#releaseOn(directory, tag);
      return;
    }
    if (ok) {
      debug("claimed tag %s for %s", tag, this.#address);
      this.#state = "claimed";
      this.#retries = 0;
      this.#settle();
      return;
    }
    if (clashes + 1 >= MAX_TAG_CLASHES) {
      debug("gave up claiming a tag after %d clashes", clashes + 1);
      this.#state = "failed";
      this.#settle();
      return;
    }
    // Another live node holds this tag: no session was tagged with it yet, so pick another.
    this.#tag = randomTag();
    debug("tag %s is taken, trying %s", tag, this.#tag);
    await this.#attempt(generation, clashes + 1);
  }

  #scheduleRetry(): void {
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.#retries++);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#state === "retrying") this.#claim();
    }, delay);
    this.#retryTimer.unref();
  }

  #stopRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #releaseOn(directory: ForwardingDirectory, tag = this.#tag): void {
    if (this.#address === null) return;
    Promise.resolve()
      .then(() => directory.release(tag))
      .catch((err: unknown) => debug("releasing tag %s failed: %O", tag, err));
  }
}
