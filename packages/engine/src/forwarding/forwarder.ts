// Forwarding on one engine (issue #16, docs/scaling.md): a request or upgrade with the `sid` of a session
// another node holds is relayed to that node, found by the tag at the start of the id. Anything that
// goes wrong before the owner answers ends in the answer the engine gives today for an unknown sid.
import type { Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import createDebug from "debug";
import { writeRefusal, writeUpgradeRefusal } from "../handshake-limits.js";
import { defaultGenerateId } from "../ids.js";
import { reportError } from "../report.js";
import type { EngineRequest } from "../request.js";
import { advertiseAddress } from "./advertise-address.js";
import { HttpRelay } from "./forward-http.js";
import { UpgradeRelay } from "./forward-upgrade.js";
import type { ForwardingDirectory, ForwardingStats, ResolvedForwardingOptions } from "./options.js";
import { Peers, type Peer } from "./peers.js";
import { ownerTag } from "./sid-tag.js";
import { TagClaim } from "./tag-claim.js";

const debug = createDebug("engine:forwarding");

/** @internal What the forwarder needs from its engine. */
export interface ForwarderHost {
  readonly maxHttpBufferSize: number;
  /** ms an owner may take to start answering a relayed request (a poll is answered within a ping interval). */
  readonly responseTimeout: number;
  /** The engine's own pipeline; for a peer's sid it answers `400 Session ID unknown` (CORS included). */
  serveRequest(req: EngineRequest, res: ServerResponse): void;
  serveUpgrade(req: EngineRequest, socket: Duplex, head: Buffer): void;
}

interface Relay {
  abort(): void;
}

/** @internal Forwarding state of one engine, from `enableForwarding()` to `disableForwarding()`. */
export class Forwarder {
  readonly #host: ForwarderHost;
  #opts: ResolvedForwardingOptions;
  readonly #claim: TagClaim;
  readonly #peers: Peers;
  /** Tags this node created session ids with: a request for one of them is never forwarded. */
  readonly #ownTags = new Set<string>();
  readonly #active = new Set<Relay>();
  readonly #unwatch: Array<() => void> = [];
  #claimWait: { settled: Promise<void>; bounded: Promise<void> } | null = null;
  #closed = false;
  #inFlight = 0;
  #forwarded = 0;
  #relayed = 0;
  #refused = 0;
  #busy = 0;
  #unreachable = 0;

  constructor(
    host: ForwarderHost,
    directory: ForwardingDirectory,
    opts: ResolvedForwardingOptions,
  ) {
    this.#host = host;
    this.#opts = opts;
    this.#claim = new TagClaim(directory);
    this.#peers = new Peers(directory, opts.lookupTimeout);
    if (opts.address !== undefined) this.#claim.setAddress(opts.address);
  }

  /** `enableForwarding()` again: another directory and/or other options. */
  reconfigure(directory: ForwardingDirectory, opts: ResolvedForwardingOptions): void {
    this.#opts = opts;
    this.#peers.setDirectory(directory);
    this.#claim.setDirectory(directory);
    if (opts.address !== undefined) this.#claim.setAddress(opts.address);
  }

  get stats(): ForwardingStats {
    return {
      tag: this.#claim.tag,
      address: this.#claim.address,
      claimed: this.#claim.state === "claimed",
      inFlight: this.#inFlight,
      forwarded: this.#forwarded,
      relayedWebSockets: this.#relayed,
      refused: this.#refused,
      busy: this.#busy,
      unreachable: this.#unreachable,
      lookups: this.#peers.lookups,
    };
  }

  /** Takes the address to claim from `httpServer` once it listens (unless one was given). */
  watch(httpServer: HttpServer): void {
    if (this.#closed || this.#opts.address !== undefined) return;
    const onListening = (): void => {
      if (this.#claim.address !== null || this.#opts.address !== undefined) return;
      const address = advertiseAddress(httpServer.address());
      if (address === null) debug("cannot advertise a server listening on a pipe");
      else this.#claim.setAddress(address);
    };
    if (httpServer.listening) return onListening();
    httpServer.once("listening", onListening);
    this.#unwatch.push(() => httpServer.off("listening", onListening));
  }

  /**
   * The id of a new session: tagged once the tag is claimed. While the first claim is under way the
   * handshake waits for it, at most `lookupTimeout`; after that the session is served untagged (it
   * works on this node, peers cannot reach it).
   */
  newId(): string | Promise<string> {
    const state = this.#claim.state;
    if (state === "claimed") {
      const tag = this.#claim.tag;
      this.#ownTags.add(tag);
      return tag + defaultGenerateId();
    }
    if (state !== "claiming") return defaultGenerateId();
    return this.#waitForClaim().then(() => {
      const tag = this.#claim.tag;
      if (this.#claim.state !== "claimed") return defaultGenerateId();
      this.#ownTags.add(tag);
      return tag + defaultGenerateId();
    });
  }

  /** Relays a request for a peer's session; false when `sid` is not one (the caller serves it). */
  routeRequest(req: EngineRequest, res: ServerResponse, sid: string): boolean {
    const tag = this.#peerTag(sid);
    if (tag === null) return false;
    if (!this.#admit()) {
      writeRefusal(res, { status: 503 });
      return true;
    }
    res.once("close", this.#leave);
    const peer = this.#peers.resolve(tag);
    if (peer instanceof Promise)
      void peer.then((p) => this.#relayRequest(req, res, tag, p), reportError);
    else this.#relayRequest(req, res, tag, peer);
    return true;
  }

  /** Relays an upgrade for a peer's session; false when `sid` is not one (the caller serves it). */
  routeUpgrade(req: EngineRequest, socket: Duplex, head: Buffer, sid: string): boolean {
    const tag = this.#peerTag(sid);
    if (tag === null) return false;
    if (!this.#admit()) {
      writeUpgradeRefusal(socket, { status: 503 });
      return true;
    }
    socket.once("close", this.#leave);
    const peer = this.#peers.resolve(tag);
    if (peer instanceof Promise)
      void peer.then((p) => this.#relayUpgrade(req, socket, head, tag, p), reportError);
    else this.#relayUpgrade(req, socket, head, tag, peer);
    return true;
  }

  /** Releases the tag, cuts every relay in progress and closes the links. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
    this.#claim.release();
    for (const relay of [...this.#active]) relay.abort();
    this.#active.clear();
    this.#peers.close();
  }

  #peerTag(sid: string): string | null {
    if (this.#closed) return null;
    const tag = ownerTag(sid);
    if (tag === null || tag === this.#claim.tag || this.#ownTags.has(tag)) return null;
    return tag;
  }

  #admit(): boolean {
    if (this.#inFlight < this.#opts.maxInFlight) {
      this.#inFlight++;
      return true;
    }
    debug("refusing to forward: %d in flight", this.#inFlight);
    this.#busy++;
    this.#refused++;
    return false;
  }

  readonly #leave = (): void => {
    this.#inFlight--;
  };

  #relayRequest(req: EngineRequest, res: ServerResponse, tag: string, peer: Peer | null): void {
    // The client left during the lookup: nothing to answer.
    if (res.destroyed) return;
    if (peer === null || this.#closed) return this.#serveLocally(req, res);
    const relay = new HttpRelay(req, res, peer, {
      hop: this.#claim.tag,
      maxBody: this.#host.maxHttpBufferSize,
      connectTimeout: this.#opts.connectTimeout,
      responseTimeout: this.#host.responseTimeout,
      sent: () => this.#forwarded++,
      unreachable: (connected) => {
        this.#active.delete(relay);
        if (!connected) this.#peers.drop(tag);
        this.#unreachable++;
        this.#serveLocally(req, res);
      },
    });
    this.#active.add(relay);
    res.once("close", () => this.#active.delete(relay));
    relay.start();
  }

  #relayUpgrade(
    req: EngineRequest,
    socket: Duplex,
    head: Buffer,
    tag: string,
    peer: Peer | null,
  ): void {
    if (socket.destroyed) return;
    if (peer === null || this.#closed) return this.#serveUpgradeLocally(req, socket, head);
    const relay = new UpgradeRelay(req, socket, head, peer, {
      hop: this.#claim.tag,
      connectTimeout: this.#opts.connectTimeout,
      sent: () => this.#relayed++,
      unreachable: () => {
        this.#active.delete(relay);
        this.#peers.drop(tag);
        this.#unreachable++;
        this.#serveUpgradeLocally(req, socket, head);
      },
    });
    this.#active.add(relay);
    socket.once("close", () => this.#active.delete(relay));
  }

  #serveLocally(req: EngineRequest, res: ServerResponse): void {
    this.#refused++;
    try {
      this.#host.serveRequest(req, res);
    } catch (err) {
      reportError(err);
      res.destroy();
    }
  }

  #serveUpgradeLocally(req: EngineRequest, socket: Duplex, head: Buffer): void {
    this.#refused++;
    try {
      this.#host.serveUpgrade(req, socket, head);
    } catch (err) {
      reportError(err);
      socket.destroy();
    }
  }

  #waitForClaim(): Promise<void> {
    const settled = this.#claim.settled;
    if (this.#claimWait?.settled !== settled) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#opts.lookupTimeout);
        timer.unref();
      });
      this.#claimWait = {
        settled,
        bounded: Promise.race([settled, expired]).finally(() => clearTimeout(timer)),
      };
    }
    return this.#claimWait.bounded;
  }
}
