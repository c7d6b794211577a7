// Relaying a WebSocket upgrade (with a `sid`) to the node that holds its session: a raw TCP link to the
// owner carries the original request and then every byte both ways. The owner answers the upgrade
// itself (its 101, or its 400), so after the handshake the relay only copies bytes.
import { connect, type Socket } from "node:net";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import createDebug from "debug";
import { upgradePreamble } from "./forward-headers.js";
import type { Peer } from "./peers.js";

const debug = createDebug("engine:forwarding");

/** @internal What a relayed upgrade needs from the forwarder. */
export interface UpgradeRelayContext {
  readonly hop: string;
  readonly connectTimeout: number;
  /** The link is up and the request went out. */
  sent(): void;
  /** Connecting to the owner failed; the client got nothing yet: answer it here. */
  unreachable(): void;
}

/**
 * Ends `socket` once what was piped into it is written (the owner's last bytes, e.g. its 400, must
 * reach the client), and destroys it then, or after `ms` if the peer does not take them.
 */
function endThenDestroy(socket: Duplex, ms: number): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), ms);
  timer.unref();
  socket.end(() => {
    clearTimeout(timer);
    socket.destroy();
  });
}

/** @internal One upgrade relayed to its owner; ends when either side closes. */
export class UpgradeRelay {
  readonly #req: IncomingMessage;
  readonly #client: Duplex;
  readonly #head: Buffer;
  readonly #ctx: UpgradeRelayContext;
  readonly #upstream: Socket;
  #connected = false;
  #finished = false;

  constructor(
    req: IncomingMessage,
    client: Duplex,
    head: Buffer,
    peer: Peer,
    ctx: UpgradeRelayContext,
  ) {
    this.#req = req;
    this.#client = client;
    this.#head = head;
    this.#ctx = ctx;
    // Both sockets keep an 'error' listener for their whole life.
    client.on("error", this.#onClientError);
    client.on("close", this.#onClientClose);
    const upstream = (this.#upstream = connect({
      host: peer.host,
      port: peer.port,
      noDelay: true,
    }));
    upstream.on("error", this.#onUpstreamError);
    upstream.on("close", this.#onUpstreamClose);
    upstream.once("connect", this.#onConnect);
    upstream.setTimeout(ctx.connectTimeout, this.#onConnectTimeout);
  }

  /** Cuts both sides (the forwarder is closing). */
  abort(): void {
    this.#finished = true;
    this.#upstream.destroy();
    this.#client.destroy();
  }

  readonly #onConnect = (): void => {
    const upstream = this.#upstream;
    upstream.setTimeout(0, this.#onConnectTimeout);
    upstream.off("timeout", this.#onConnectTimeout);
    if (this.#finished) return;
    this.#connected = true;
    upstream.write(upgradePreamble(this.#req, this.#ctx.hop), "latin1");
    if (this.#head.length > 0) upstream.write(this.#head);
    // The client's socket has held what it received since the request (it is not flowing until piped).
    this.#client.pipe(upstream);
    upstream.pipe(this.#client);
    this.#ctx.sent();
  };

  readonly #onConnectTimeout = (): void => {
    this.#upstream.destroy(new Error("connect timeout"));
  };

  readonly #onUpstreamError = (err: Error): void => {
    debug("relayed upgrade link error: %s", err.message);
  };

  readonly #onUpstreamClose = (): void => {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#connected) {
      endThenDestroy(this.#client, this.#ctx.connectTimeout);
      return;
    }
    // Connecting failed or timed out: the client is still waiting for an answer.
    this.#client.off("close", this.#onClientClose);
    if (this.#client.destroyed) return;
    this.#ctx.unreachable();
  };

  readonly #onClientError = (err: Error): void => {
    debug("relayed upgrade client error: %s", err.message);
    this.#upstream.destroy();
  };

  readonly #onClientClose = (): void => {
    this.#finished = true;
    endThenDestroy(this.#upstream, this.#ctx.connectTimeout);
  };
}
