import { describe, expect, it } from "vitest";
import { addAck, EXPIRE, type Ack } from "../src/socket-acks.js";

function timeoutAck(log: string[], name: string): Ack {
  const ack: Ack = () => log.push(`answer ${name}`);
  ack[EXPIRE] = () => log.push(`expire ${name}`);
  return ack;
}

describe("addAck (maxPendingAcks)", () => {
  it("evicts the oldest first: timeout() acks expire, others are dropped without a call", () => {
    const log: string[] = [];
    const acks = new Map<number, Ack>();
    addAck(acks, 1, timeoutAck(log, "1"), 2);
    addAck(acks, 2, () => log.push("answer 2"), 2);
    addAck(acks, 3, timeoutAck(log, "3"), 2);
    expect(log).toEqual(["expire 1"]);
    addAck(acks, 4, timeoutAck(log, "4"), 2);
    expect(log).toEqual(["expire 1"]); // 2 was a plain ack: dropped, never called
    expect([...acks.keys()]).toEqual([3, 4]);
  });

  it("does not call a user's own `expire` property (the marker is a symbol)", () => {
    const plain = Object.assign(() => {}, { expire: () => expect.fail("called a user property") });
    const acks = new Map<number, Ack>();
    addAck(acks, 1, plain, 1);
    addAck(acks, 2, () => {}, 1);
    expect([...acks.keys()]).toEqual([2]);
  });

  it("Infinity never evicts", () => {
    const acks = new Map<number, Ack>();
    for (let i = 0; i < 5000; i++) addAck(acks, i, () => {}, Infinity);
    expect(acks.size).toBe(5000);
  });
});
