// Finding the owner of a tag: the local cache first, then the directory, bounded by `lookupTimeout`;
// one keep-alive agent per peer address, shared by the tags that point at it.
import { Agent } from "node:http";
import createDebug from "debug";
import { parseAddress, type PeerEndpoint } from "./advertise-address.js";
import type { ForwardingDirectory } from "./options.js";
import { PeerCache } from "./peer-cache.js";

const debug = createDebug("engine:forwarding");

/** @internal A peer a request can be forwarded to. */
export interface Peer extends PeerEndpoint {
  readonly tag: string;
  readonly address: string;
  /** Keep-alive connections for forwarded polling requests. */
  readonly agent: Agent;
}

interface SharedAgent {
  agent: Agent;
  refs: number;
}

/** @internal Tags to peers. */
export class Peers {
  #directory: ForwardingDirectory;
  readonly #lookupTimeout: number;
  readonly #cache = new PeerCache<Peer>(undefined, (peer) => this.#unref(peer.address));
  readonly #agents = new Map<string, SharedAgent>();
  /** Lookups in progress, so a burst of requests for one tag costs one directory call. */
  readonly #pending = new Map<string, Promise<Peer | null>>();
  #closed = false;
  /** Directory calls made (cache misses). */
  lookups = 0;

  constructor(directory: ForwardingDirectory, lookupTimeout: number) {
    this.#directory = directory;
    this.#lookupTimeout = lookupTimeout;
  }

  /** Another directory: what the old one said no longer holds. */
  setDirectory(directory: ForwardingDirectory): void {
    this.#directory = directory;
    this.#pending.clear();
    this.#cache.clear();
  }

  /**
   * The peer holding `tag`: at once from the cache, else from the directory. Resolves null when the
   * tag is unknown or the directory failed or took longer than `lookupTimeout`; never rejects.
   */
  resolve(tag: string): Peer | Promise<Peer | null> {
    const cached = this.#cache.get(tag);
    if (cached !== undefined) return cached;
    let pending = this.#pending.get(tag);
    if (pending === undefined) {
      pending = this.#lookup(tag).finally(() => {
        if (this.#pending.get(tag) === pending) this.#pending.delete(tag);
      });
      this.#pending.set(tag, pending);
    }
    return pending;
  }

  /** Forgets `tag` (connecting to its address failed). */
  drop(tag: string): void {
    if (this.#cache.delete(tag)) debug("dropped peer %s", tag);
  }

  /** Forgets every peer and closes every link. */
  close(): void {
    this.#closed = true;
    this.#pending.clear();
    this.#cache.clear();
    for (const { agent } of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  async #lookup(tag: string): Promise<Peer | null> {
    this.lookups++;
    const directory = this.#directory;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<null>((resolve) => {
      timer = setTimeout(resolve, this.#lookupTimeout, null);
      timer.unref();
    });
    let address: string | null;
    try {
      address = await Promise.race([directory.lookup(tag), expired]);
    } catch (err) {
      debug("lookup of %s failed: %O", tag, err);
      return null;
    } finally {
      clearTimeout(timer);
    }
    if (typeof address !== "string") {
      debug("tag %s not found", tag);
      return null;
    }
    const endpoint = parseAddress(address);
    if (endpoint === null) {
      debug("tag %s has an unusable address %s", tag, address);
      return null;
    }
    // The directory was switched while it answered: its answer is not to be kept.
    if (directory !== this.#directory || this.#closed) return null;
    const peer: Peer = { tag, address, ...endpoint, agent: this.#ref(address) };
    this.#cache.set(tag, peer);
    return peer;
  }

  #ref(address: string): Agent {
    let shared = this.#agents.get(address);
    if (shared === undefined) {
      shared = { agent: new Agent({ keepAlive: true, noDelay: true }), refs: 0 };
      this.#agents.set(address, shared);
    }
    shared.refs++;
    return shared.agent;
  }

  #unref(address: string): void {
    const shared = this.#agents.get(address);
    if (shared === undefined || --shared.refs > 0) return;
    // Requests in flight keep their sockets; idle ones close on the peer's keep-alive timeout.
    this.#agents.delete(address);
  }
}
