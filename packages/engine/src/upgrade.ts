// The upgrade state machine (docs/protocol.md §1.6). A polling session that opens a WebSocket with
// its sid gets the socket as a probe: the client pings it (`2probe`), we answer (`3probe`) and
// release the client's pending GET with a noop every 100 ms so polling can pause; the client's
// `upgrade` packet then moves the session to the WebSocket. Anything else on the probe, a probe
// that closes, or upgradeTimeout without `upgrade` cancels the attempt and polling goes on.
import createDebug from "debug";
import { EncodedPackets } from "@switchboard/engine-parser/internal";
import { DeadlineNode } from "./deadline-queue.js";
import type { Heartbeat } from "./heartbeat.js";
import type { ReadyState } from "./socket-events.js";
import type { Transport, TransportOwner } from "./transports/transport.js";
import type { WebSocketTransport } from "./transports/websocket.js";

const debug = createDebug("engine:socket");

const { probePing: PROBE_PING, probePong: PROBE_PONG, upgrade: UPGRADE } = EncodedPackets;

/** @internal What an upgrade attempt needs from its session. */
export interface UpgradeHost {
  readonly id: string;
  readonly readyState: ReadyState;
  emit(event: "upgrading", transport: Transport): boolean;
  /** Answers a pending polling GET (with queued packets, or a noop) so the client can pause. */
  _releasePoll(): void;
  /** The client sent `upgrade` on the probe: the probe becomes the session's transport. */
  _completeUpgrade(probe: WebSocketTransport): void;
  /** Ends the attempt and closes the probe; the session stays on polling. */
  _cancelUpgrade(): void;
  /** Reports an exception thrown by application code. */
  _report(err: unknown): void;
}

/**
 * @internal One upgrade in progress: allocated per attempt, not per session. It owns the probe's
 * events until the session takes the probe over; the session calls `stop()` when the attempt ends.
 * Exceptions of application code (an `upgrading` listener) never escape into the probe.
 */
export class UpgradeAttempt implements TransportOwner {
  readonly probe: WebSocketTransport;
  readonly #session: UpgradeHost;
  readonly #clocks: Heartbeat;
  #probed = false;
  /** In the upgrade queue while the attempt runs; `queued` is false once it was stopped. */
  readonly #timeout: DeadlineNode<UpgradeAttempt>;
  #check: DeadlineNode<UpgradeAttempt> | null = null;

  constructor(session: UpgradeHost, probe: WebSocketTransport, clocks: Heartbeat) {
    this.probe = probe;
    this.#session = session;
    this.#clocks = clocks;
    this.#timeout = new DeadlineNode<UpgradeAttempt>(this);
    probe.owner = this;
    clocks.upgrade.push(this.#timeout);
  }

  /** A text packet on the probe: `2probe`, then `5`; anything else cancels. */
  onText(_transport: Transport, text: string): void {
    try {
      this.#onProbeText(text);
    } catch (err) {
      this.#session._report(err);
    }
  }

  /** A binary message on the probe is not part of the upgrade: cancel. */
  onBinary(): void {
    this.#cancel();
  }

  /** The probe failed: cancel (the session stays on polling). */
  onTransportError(): void {
    this.#cancel();
  }

  /** The client closed the probe: cancel. */
  onTransportClose(): void {
    this.#cancel();
  }

  /** Nothing is queued on a probe. */
  onWritable(): void {}

  /** Nothing is queued on a probe. */
  onDrain(): void {}

  /** Nothing is queued on a probe. */
  hasPendingWrites(): boolean {
    return false;
  }

  #cancel(): void {
    try {
      this.#session._cancelUpgrade();
    } catch (err) {
      this.#session._report(err);
    }
  }

  #onProbeText(text: string): void {
    const session = this.#session;
    if (text === PROBE_PING && !this.#probed) {
      this.#probed = true;
      this.probe.sendText(PROBE_PONG);
      session.emit("upgrading", this.probe);
      // A listener may have closed the session, which stopped this attempt.
      if (!this.#timeout.queued) return;
      session._releasePoll();
      this.#clocks.upgradeCheck.push((this.#check ??= new DeadlineNode<UpgradeAttempt>(this)));
    } else if (text === UPGRADE && this.#probed) {
      session._completeUpgrade(this.probe);
    } else {
      session._cancelUpgrade();
    }
  }

  /** upgradeTimeout elapsed without `upgrade`. */
  onTimeout(): void {
    debug("upgrade timeout on %s", this.#session.id);
    this.#session._cancelUpgrade();
  }

  /** Every 100 ms once probed: release the client's paused GET again. */
  onCheck(): void {
    if (this.#check === null || this.#session.readyState === "closed") return;
    this.#session._releasePoll();
    this.#clocks.upgradeCheck.push(this.#check);
  }

  /** Stops the attempt's clocks (it completed or was cancelled). */
  stop(): void {
    this.#clocks.upgrade.remove(this.#timeout);
    if (this.#check !== null) this.#clocks.upgradeCheck.remove(this.#check);
  }
}
