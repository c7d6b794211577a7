// The per-node recovery state every adapter shares: offsets, replay in order, and honest failures with a reason
// (expired, trimmed, unknown), counted, logged without the pid, and published on the diagnostics channel.
import { RECOVERY_CHANNEL, type RecoveryMessage } from "@switchboard/adapter";
import { RecoveryLog } from "@switchboard/adapter/internal";
import { PacketType, type Packet } from "@switchboard/parser";
import createDebug from "debug";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { format } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const event = (...data: unknown[]): Packet => ({ type: PacketType.EVENT, nsp: "/", data });
const all = { rooms: new Set<string>() };
const to = (...rooms: string[]) => ({ rooms: new Set(rooms) });
const PID = "secret-pid-0123456789";

let now = 1_000_000;
const logs: RecoveryLog[] = [];
function log(opts: { maxPackets?: number; maxSessions?: number } = {}): RecoveryLog {
  const l = new RecoveryLog({ maxDisconnectionDuration: 1000, now: () => now, nsp: "/n", ...opts });
  logs.push(l);
  return l;
}
afterEach(() => {
  for (const l of logs.splice(0)) l.close();
});

/** A delivered event's offset (its last argument). */
const offsetOf = (p: Packet): string => (p.data as unknown[]).at(-1) as string;

describe("RecoveryLog", () => {
  it("stamps plain events only, without touching the caller's packet", () => {
    const l = log();
    const original = event("a", 1);
    const stamped = l.record(original, all, true);
    expect(original.data).toEqual(["a", 1]);
    expect((stamped.data as unknown[]).slice(0, 2)).toEqual(["a", 1]);
    expect(typeof offsetOf(stamped)).toBe("string");
    const acked = { ...event("q"), id: 3 };
    expect(l.record(acked, all, true)).toBe(acked);
    const volatile = event("v");
    expect(l.record(volatile, { rooms: new Set(), flags: { volatile: true } }, true)).toBe(
      volatile,
    );
    const binary: Packet = { type: PacketType.BINARY_EVENT, nsp: "/", data: ["b"] };
    expect(l.record(binary, all, true).data).toHaveLength(1);
    // Reaching no local socket and no stored session: not kept, not stamped.
    const nobody = event("nobody");
    expect(l.record(nobody, to("r"), false)).toBe(nobody);
    expect(l.stats().packetsStored).toBe(1);
  });

  it("replays what a session missed in its rooms, once, in order, with the offsets first sent", () => {
    const l = log();
    const first = l.record(event("first"), all, true);
    l.persist({ sid: "s1", pid: PID, rooms: ["s1", "r"], data: { u: 1 } });
    expect(l.wants("r")).toBe(true);
    const sent = [
      l.record(event("r", 1), to("r"), false),
      l.record(event("other"), to("other"), false),
      l.record(event("all", 2), all, false),
      l.record(event("except"), { rooms: new Set(), except: new Set(["r"]) }, false),
      l.record(event("r", 3), to("x", "r"), false),
    ];
    expect(sent[1]?.data).toEqual(["other"]); // nobody may want it: kept out
    const session = l.restore(PID, offsetOf(first));
    expect(session?.data).toEqual({ u: 1 });
    expect(session?.missedPackets).toEqual([sent[0]?.data, sent[2]?.data, sent[4]?.data]);
    expect(l.restore(PID, offsetOf(first))).toBeNull(); // used once
    expect(l.wants("r")).toBe(false);
    expect(l.stats()).toMatchObject({
      attempted: 2,
      succeeded: 1,
      replayed: 3,
      failed: { unknown: 1 },
      sessionsStored: 0,
    });
  });

  it("reads only the packets sent to the session's rooms or to everyone, not all traffic since the offset", () => {
    const l = log({ maxPackets: 20_000 });
    const first = l.record(event("first"), all, true);
    l.persist({ sid: "s1", pid: PID, rooms: ["s1", "quiet", "x"], data: {} });
    const mine: unknown[][] = [];
    for (let i = 0; i < 10_000; i++) {
      l.record(event("busy", i), to(`busy${i % 100}`), true);
      if (i % 2500 === 0)
        mine.push(l.record(event("quiet", i), to("quiet", "x"), false).data as []);
      if (i % 5000 === 0) mine.push(l.record(event("all", i), all, false).data as []);
    }
    const session = l.restore(PID, offsetOf(first));
    expect(session?.missedPackets).toEqual(
      mine.sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
    expect(l.stats()).toMatchObject({ replayed: 6, entriesRead: 6 });
  });

  it("finds the right packets after older ones were swept out by age", () => {
    const l = log();
    for (let i = 0; i < 3; i++) l.record(event("old", i), to("r", `o${i}`), true);
    now += 600;
    const first = l.record(event("first"), to("r"), true);
    l.persist({ sid: "s1", pid: PID, rooms: ["s1", "r"], data: {} });
    now += 100;
    const missed = l.record(event("m"), to("r"), false);
    now += 400;
    l.sweep();
    expect(l.stats().packetsStored).toBe(2);
    expect(l.restore(PID, offsetOf(first))?.missedPackets).toEqual([missed.data]);
  });

  it("fails as expired after maxDisconnectionDuration, also once the sweep dropped the session", () => {
    const l = log();
    const first = l.record(event("first"), all, true);
    l.persist({ sid: "s1", pid: PID, rooms: ["s1"], data: {} });
    l.persist({ sid: "s2", pid: "p2", rooms: ["s2"], data: {} });
    now += 1001;
    expect(l.restore(PID, offsetOf(first))).toBeNull();
    l.sweep();
    expect(l.stats().sessionsStored).toBe(0);
    expect(l.restore("p2", offsetOf(first))).toBeNull();
    expect(l.stats().failed).toEqual({ expired: 2, trimmed: 0, unknown: 0 });
  });

  it("fails as trimmed when maxPackets pushed the offset out, as unknown for a forged pid or offset", () => {
    const l = log({ maxPackets: 100 });
    const first = l.record(event("first"), all, true);
    l.persist({ sid: "s1", pid: PID, rooms: ["s1"], data: {} });
    l.persist({ sid: "s2", pid: "p2", rooms: ["s2"], data: {} });
    for (let i = 0; i < 150; i++) l.record(event("fill", i), all, false);
    expect(l.stats().packetsStored).toBeLessThanOrEqual(100);
    expect(l.restore(PID, offsetOf(first))).toBeNull();
    expect(l.restore("forged", offsetOf(first))).toBeNull();
    const l2 = log();
    l2.persist({ sid: "s3", pid: "p3", rooms: ["s3"], data: {} });
    expect(l2.restore("p3", "forged-offset")).toBeNull();
    expect(l.stats().failed).toEqual({ expired: 0, trimmed: 1, unknown: 1 });
    expect(l2.stats().failed).toEqual({ expired: 0, trimmed: 0, unknown: 1 });
  });

  it("keeps at most maxSessions sessions, dropping the oldest", () => {
    const l = log({ maxSessions: 2 });
    for (const n of [1, 2, 3])
      l.persist({ sid: `s${n}`, pid: `p${n}`, rooms: [`room${n}`], data: {} });
    expect(l.stats().sessionsStored).toBe(2);
    expect(l.wants("room1")).toBe(false);
    expect(l.wants("room3")).toBe(true);
  });

  it("tells when no session holds a room any more", () => {
    const l = log();
    const released: string[] = [];
    l.onRoomReleased = (room) => released.push(room);
    l.persist({ sid: "a", pid: "pa", rooms: ["a", "shared"], data: {} });
    l.persist({ sid: "b", pid: "pb", rooms: ["b", "shared"], data: {} });
    l.restore("pa", "x");
    expect(released).toEqual(["a"]);
    now += 2000;
    l.sweep();
    expect(released.sort()).toEqual(["a", "b", "shared"]);
  });

  it("never writes the pid to the debug log nor the diagnostics channel", () => {
    const lines: string[] = [];
    const messages: RecoveryMessage[] = [];
    const onMessage = (m: unknown) => messages.push(m as RecoveryMessage);
    const previous = createDebug.disable();
    const debugLog = createDebug.log;
    createDebug.enable("socket.io-adapter:*");
    createDebug.log = (...args: unknown[]) => lines.push(format(...args));
    subscribe(RECOVERY_CHANNEL, onMessage);
    try {
      const l = log();
      const first = l.record(event("first"), all, true);
      l.persist({ sid: "s1", pid: PID, rooms: ["s1"], data: {} });
      l.restore(PID, offsetOf(first));
      l.restore(PID, offsetOf(first));
    } finally {
      unsubscribe(RECOVERY_CHANNEL, onMessage);
      createDebug.log = debugLog;
      createDebug.enable(previous);
    }
    expect(lines.some((line) => line.includes("recovery failed (unknown)"))).toBe(true);
    expect(lines.join("\n")).not.toContain(PID);
    expect(messages).toEqual([
      { nsp: "/n", recovered: true, replayed: 0, entriesRead: 0 },
      { nsp: "/n", recovered: false, reason: "unknown", replayed: 0, entriesRead: 0 },
    ]);
    expect(JSON.stringify(messages)).not.toContain(PID);
  });
});
