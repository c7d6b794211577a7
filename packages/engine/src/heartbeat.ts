// The server's shared clocks (docs/protocol.md §1.5, §1.6, §1.7). Every session of a server uses
// the same pingInterval, pingTimeout and upgradeTimeout, so each kind of deadline is a FIFO with one
// timer (`DeadlineQueue`) instead of a timer per session. A session is its own link in the ping,
// pong and close queues (it sits in at most one of them); an upgrade attempt owns its nodes.
import { DeadlineQueue, type DeadlineLink } from "./deadline-queue.js";
import type { UpgradeAttempt } from "./upgrade.js";

/** During an upgrade the client's paused GET is released with a noop this often (§1.6). */
const UPGRADE_CHECK_INTERVAL = 100;
/** How long a server close over polling waits for a GET to carry the close packet (§1.7). */
const CLOSE_TIMEOUT = 30000;

/** @internal A session as the clocks see it. */
export interface ClockedSession extends DeadlineLink<ClockedSession> {
  /** pingInterval elapsed: send a ping and call `pingSent`. */
  onPingDue(): void;
  /** No pong within pingTimeout. */
  onPingTimeout(): void;
  /** The close packet of a server close waited CLOSE_TIMEOUT for a GET. */
  onCloseTimeout(): void;
}

/** @internal The delays of the clocks (the server's options). */
export interface HeartbeatTimings {
  readonly pingInterval: number;
  readonly pingTimeout: number;
  readonly upgradeTimeout: number;
}

/** @internal One per server: the deadline queues of all its sessions. */
export class Heartbeat {
  /** Sessions waiting to send their next ping (delay pingInterval). */
  readonly ping: DeadlineQueue<ClockedSession>;
  /** Sessions waiting for a pong (delay pingTimeout). */
  readonly pong: DeadlineQueue<ClockedSession>;
  /** Polling sessions closed by the server, waiting for a GET to carry the close packet. */
  readonly close: DeadlineQueue<ClockedSession>;
  /** v3 sessions waiting for the client's next ping (delay pingInterval + pingTimeout, §1.10). */
  readonly clientPing: DeadlineQueue<ClockedSession>;
  /** Upgrades waiting for the client's `upgrade` packet (delay upgradeTimeout). */
  readonly upgrade: DeadlineQueue<UpgradeAttempt>;
  /** Upgrades whose paused GET is released with a noop every 100 ms. */
  readonly upgradeCheck: DeadlineQueue<UpgradeAttempt>;

  /** `onError` receives what a session's handler threw (it never escapes a timer). */
  constructor(timings: HeartbeatTimings, onError: (err: unknown) => void) {
    const options = { onError };
    this.ping = new DeadlineQueue<ClockedSession>(
      timings.pingInterval,
      (s) => s.onPingDue(),
      options,
    );
    this.pong = new DeadlineQueue<ClockedSession>(
      timings.pingTimeout,
      (s) => s.onPingTimeout(),
      options,
    );
    this.close = new DeadlineQueue<ClockedSession>(
      CLOSE_TIMEOUT,
      (s) => s.onCloseTimeout(),
      options,
    );
    const clientPingDelay = timings.pingInterval + timings.pingTimeout;
    this.clientPing = new DeadlineQueue<ClockedSession>(
      clientPingDelay,
      (s) => s.onPingTimeout(),
      options,
    );
    this.upgrade = new DeadlineQueue<UpgradeAttempt>(
      timings.upgradeTimeout,
      (u) => u.onTimeout(),
      options,
    );
    this.upgradeCheck = new DeadlineQueue<UpgradeAttempt>(
      UPGRADE_CHECK_INTERVAL,
      (u) => u.onCheck(),
      options,
    );
  }

  /** §1.5: the first ping goes out pingInterval after the open packet. */
  start(session: ClockedSession): void {
    this.ping.push(session);
  }

  /**
   * §1.10: a v3 session (opened, or its client pinged): the client's next ping is due within
   * pingInterval + pingTimeout. False when the session is not waiting for one (it is closing).
   */
  awaitClientPing(session: ClockedSession, first = false): boolean {
    if (!first && session._dlQueue !== this.clientPing) return false;
    this.clientPing.push(session);
    return true;
  }

  /** A ping went out: the pong is due within pingTimeout. */
  pingSent(session: ClockedSession): void {
    this.pong.push(session);
  }

  /**
   * A pong arrived. §1.5: the next ping is pingInterval after it. False when no pong was awaited
   * (the pong is then ignored).
   */
  pongReceived(session: ClockedSession): boolean {
    if (session._dlQueue !== this.pong) return false;
    this.ping.push(session);
    return true;
  }

  /**
   * Another packet arrived while a pong is awaited: the pong deadline restarts (a busy client may
   * answer late, as on the reference ≥ 6.6.10). False when no pong is awaited. The caller does it
   * once per ping.
   */
  extendPongDeadline(session: ClockedSession): boolean {
    if (session._dlQueue !== this.pong) return false;
    this.pong.push(session);
    return true;
  }

  /** A server close over polling: the close packet waits for the client's next GET. */
  awaitCloseRequest(session: ClockedSession): void {
    this.close.push(session);
  }

  /** The session no longer waits for a GET to carry its close packet (it upgraded). */
  closeRequestNotNeeded(session: ClockedSession): void {
    this.close.remove(session);
  }

  /** Takes the session out of whichever queue it is in (it is closing). */
  stop(session: ClockedSession): void {
    session._dlQueue?.remove(session);
  }

  /** Empties every queue and stops every timer (the server closed). */
  clear(): void {
    this.ping.clear();
    this.pong.clear();
    this.close.clear();
    this.clientPing.clear();
    this.upgrade.clear();
    this.upgradeCheck.clear();
  }
}
