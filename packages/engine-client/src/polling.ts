import {
  decodePayload,
  encodePayload,
  type Packet as WirePacket,
} from "@switchboard/engine-parser";
import { shape, type Packet } from "./codec.js";
import { ERR_POLL, ERR_POST, type ErrorCode } from "./errors.js";
import { LOG, createDebug } from "#log";
import type { PollRequest } from "./platform.js";
import { NODE } from "#runtime";
import { Transport } from "./transport.js";

// Calls are guarded by `LOG` (false in browser production builds, see #log) so that bundlers drop them.
const debug = /* @__PURE__ */ createDebug("engine.io-client:polling");

/**
 * HTTP long-polling (docs/protocol.md §1.3): one GET in flight to receive, one POST in flight to send, payloads
 * joined by 0x1e with binary as `b`+base64. The HTTP mechanics come from the platform.
 */
export class Polling extends Transport {
  // On the prototype (a getter), where `transportImplementations` reads it, as engine.io-client does.
  override get name(): string {
    return "polling";
  }
  #polling = false;
  #pauseGen = 0;
  #abortPoll: (() => void) | undefined;
  #abortPost: (() => void) | undefined;

  protected doOpen(): void {
    this.poll();
  }

  /**
   * Stops new traffic and calls `onPause` once in-flight requests are done (docs/protocol.md §1.6): the upgrade,
   * which only ever leaves polling, pauses it.
   */
  pause(onPause: () => void): void {
    this.readyState = "pausing";
    const gen = ++this.#pauseGen;
    // One wait per request in flight, plus one released right below (so nothing in flight pauses at once).
    let waiting = 1;
    const done = (): void => {
      if (gen !== this.#pauseGen) return; // resumed meanwhile
      if (--waiting === 0) {
        if (LOG) debug("paused");
        this.readyState = "paused";
        onPause();
      }
    };
    if (this.#polling) {
      waiting++;
      this.once("pollComplete", done);
    }
    if (!this.writable) {
      waiting++;
      this.once("drain", done);
    }
    done();
  }

  /** Back to normal traffic after a failed upgrade. */
  resume(): void {
    if (this.readyState !== "pausing" && this.readyState !== "paused") return;
    this.#pauseGen++;
    this.readyState = "open";
    if (!this.#polling) this.poll();
  }

  /** Starts a GET. */
  poll(): void {
    this.#polling = true;
    this.#abortPoll = this.#request("GET", undefined, "xhr poll error", ERR_POLL, (body) =>
      this.#onPayload(body),
    );
    this.emitReserved("poll");
  }

  protected doClose(): void {
    if (this.readyState !== "opening") {
      if (LOG) debug("sending close packet");
      this.write([{ type: "close" }]);
    } else {
      // Still opening: nothing to tell the server yet; stop the handshake request.
      this.#abortPoll?.();
    }
  }

  protected write(packets: Packet[]): void {
    this.writable = false;
    this.#abortPost = this.#request(
      "POST",
      encodePayload(packets as WirePacket[]), // binary always as base64 here
      "xhr post error",
      ERR_POST,
      () => {
        this.writable = true;
        this.emitReserved("drain");
      },
    );
  }

  /**
   * Sends one request and returns its abort function. A failure (network error or non-200 status) becomes
   * `message`/`code`; `onOk` gets the body of a 200 answer. Nothing happens once the transport is closed.
   */
  #request(
    method: "GET" | "POST",
    body: string | undefined,
    message: string,
    code: ErrorCode,
    onOk: (body: string) => void,
  ): () => void {
    const opts = this.ctx.opts;
    const req: PollRequest = {
      method,
      url: this.uri("http", opts.timestampRequests !== false),
      body,
      opts,
    };
    if (NODE) req.jar = this.ctx.jar;
    return this.ctx.request(req, (err, status, res) => {
      if (this.readyState === "closed" || this.readyState === undefined) return;
      if (err || status !== 200) this.onError(message, code, err ?? status);
      else onOk(res);
    });
  }

  #onPayload(body: string): void {
    // Never throws: decoding stops at the first bad packet, returned as an `error` packet.
    for (const decoded of decodePayload(body, this.ctx.binaryType)) {
      const packet = NODE ? shape(decoded, this.ctx) : (decoded as Packet);
      if (this.readyState === "opening" && packet.type === "open") this.onOpen();
      if (packet.type === "close") {
        this.onClose({ description: "transport closed by the server" });
        return;
      }
      this.onPacket(packet);
      // The socket may have closed us while handling a packet (e.g. a bad handshake).
      if (this.readyState === "closed") return;
    }
    this.#polling = false;
    this.emitReserved("pollComplete");
    if (this.readyState === "open") this.poll();
  }

  /**
   * Drops the session's requests without a goodbye: after a timeout or an error the peer may be unreachable,
   * and a `close` POST to it could keep the process waiting on a dead connection.
   */
  override abort(): void {
    this.#abortPoll?.();
    this.#abortPost?.();
    if (this.readyState !== undefined && this.readyState !== "closed") this.onClose();
  }
}
