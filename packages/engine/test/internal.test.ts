// `@switchboard/engine/internal`, through the package's `exports` and published declarations (the
// way the Socket.IO server imports it).
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import * as internal from "@switchboard/engine/internal";
import {
  DeadlineNode,
  DeadlineQueue,
  generateId,
  preEncode,
  PreEncodedPacket,
} from "@switchboard/engine/internal";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test("exports the shared pieces and nothing else", () => {
  expect(Object.keys(internal).sort()).toEqual([
    "DeadlineNode",
    "DeadlineQueue",
    "MAX_CONFLATION_KEY_LENGTH",
    "PreEncodedPacket",
    "TokenBucketPolicy",
    "checkBudget",
    "createCors",
    "generateId",
    "preEncode",
    "resolveBackpressure",
    "resolveHandshakeRate",
    "resolveMaxConnections",
  ]);
});

test("a DeadlineNode made outside the engine can be pushed (its link fields are published)", () => {
  const expired: string[] = [];
  const queue = new DeadlineQueue<string>(10, (v) => expired.push(v), { slack: 0 });
  const node = new DeadlineNode("x");
  queue.push(node);
  expect(node.queued).toBe(true);
  vi.advanceTimersByTime(10);
  expect(expired).toEqual(["x"]);
});

test("generateId gives distinct 20-character base64url ids", () => {
  const ids = new Set(Array.from({ length: 1000 }, () => generateId()));
  expect(ids.size).toBe(1000);
  for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
});

test("preEncode is the engine's", () => {
  const packet = preEncode("hi");
  expect(packet).toBeInstanceOf(PreEncodedPacket);
  expect(packet.data).toBe("hi");
});
