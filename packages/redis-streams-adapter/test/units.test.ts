// The pure parts of the streams adapter: stream ids, entry and record codecs with their bounds, key naming, and the
// stream a namespace maps to (the official adapter's choice, bit for bit).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { MessageType, msgpackEncode } from "@switchboard/adapter";
import { Commands } from "../src/client.js";
import { decodeEntry, encodeEntry, hasBinary } from "../src/entries.js";
import { compareIds, isStreamId } from "../src/ids.js";
import { indexKeys, keyPrefix } from "../src/scripts.js";
import { decodeRecord, encodeRecord } from "../src/session-record.js";
import { resolveOptions, Shared } from "../src/shared.js";
import { UnsupportedClientError } from "../src/errors.js";

const require = createRequire(import.meta.url);
const upstream = require("@socket.io/redis-streams-adapter/dist/util.js") as {
  hashCode(s: string): number;
};

describe("stream ids", () => {
  it("accepts only <ms>-<seq> and compares numerically", () => {
    expect(isStreamId("1700000000000-0")).toBe(true);
    for (const bad of ["", "1", "1-", "-1", "a-1", "1-1-1", "1".repeat(17) + "-0", 5, null])
      expect(isStreamId(bad)).toBe(false);
    expect(compareIds("9-0", "10-0")).toBeLessThan(0);
    expect(compareIds("10-2", "10-10")).toBeLessThan(0);
    expect(compareIds("10-10", "10-10")).toBe(0);
    expect(compareIds("11-0", "10-99")).toBeGreaterThan(0);
  });
});

describe("stream entries", () => {
  const message = {
    uid: "abc",
    nsp: "/",
    type: MessageType.BROADCAST,
    data: {
      packet: { type: 2, nsp: "/", data: ["x", 1] },
      opts: { rooms: [], except: [], flags: {} },
    },
  };

  it("are JSON without binary and base64 msgpack with it, as the official adapter writes them", () => {
    const plain = encodeEntry(message, false);
    expect(plain.slice(0, 6)).toEqual(["uid", "abc", "nsp", "/", "type", "3"]);
    expect(plain[7]).toBe(JSON.stringify(message.data));
    const binary = {
      ...message,
      data: { ...message.data, packet: { type: 5, nsp: "/", data: ["b", Buffer.from([1, 2])] } },
    };
    const enc = encodeEntry(binary, false);
    expect(enc[7]?.startsWith("{")).toBe(false);
    const back = decodeEntry(
      Object.fromEntries([
        [enc[0], enc[1]],
        [enc[2], enc[3]],
        [enc[4], enc[5]],
        [enc[6], enc[7]],
      ]) as Record<string, string>,
      1e6,
    );
    expect(typeof back).toBe("object");
    expect(hasBinary((back as { data: unknown }).data)).toBe(true);
    // onlyPlaintext: JSON even with binary.
    expect(encodeEntry(binary, true)[7]?.startsWith("{")).toBe(true);
  });

  it("that are oversize, undecodable or malformed are refused with a reason", () => {
    expect(
      decodeEntry({ uid: "u", nsp: "/", type: "3", data: `{"a":"${"x".repeat(50)}"}` }, 20),
    ).toBe("oversized");
    expect(decodeEntry({ uid: "u", nsp: "/", type: "3", data: "{oops" }, 1e6)).toBe("undecodable");
    expect(decodeEntry({ uid: "u", nsp: "/", type: "3", data: "//8=" }, 1e6)).toBe("undecodable");
    expect(decodeEntry({ uid: "u", nsp: "/", type: "x" }, 1e6)).toBe("malformed");
    expect(decodeEntry({ nsp: "/", type: "3" }, 1e6)).toBe("malformed");
    expect(decodeEntry({ uid: "u", nsp: "/", type: "3", data: "12" }, 1e6)).toBe("undecodable");
  });
});

describe("session records", () => {
  it("round-trip, and are refused when too large, for another pid or of the wrong shape", () => {
    const rec = {
      sid: "s",
      pid: "p",
      rooms: ["s", "r"],
      data: { a: 1 },
      sb: { v: 1 as const, at: 5, live: true, since: "1-0" },
    };
    expect(decodeRecord(encodeRecord(rec), "p", 1e6)).toEqual(rec);
    expect(decodeRecord(encodeRecord(rec), "other", 1e6)).toBeUndefined();
    expect(decodeRecord(encodeRecord(rec), "p", 10)).toBeUndefined();
    const bad = (v: unknown) => decodeRecord(msgpackEncode(v).toString("base64"), "p", 1e6);
    expect(bad({ sid: "s", pid: "p", rooms: [1], data: {} })).toBeUndefined();
    expect(bad({ sid: "", pid: "p", rooms: [], data: {} })).toBeUndefined();
    expect(bad({ sid: "s", pid: "p", rooms: "r", data: {} })).toBeUndefined();
    expect(
      bad({ sid: "s", pid: "p", rooms: [], data: {}, sb: { at: "x", live: true } }),
    ).toBeUndefined();
    expect(bad(42)).toBeUndefined();
    // An official record (no `sb`) is fine.
    expect(bad({ sid: "s", pid: "p", rooms: [], data: null })).toEqual({
      sid: "s",
      pid: "p",
      rooms: [],
      data: null,
    });
  });
});

describe("keys and streams", () => {
  it("puts every index key in the stream's hash slot", () => {
    expect(keyPrefix("socket.io")).toBe("{socket.io}:sb:");
    expect(keyPrefix("app{tag}")).toBe("app{tag}:sb:");
    expect(keyPrefix("odd{}")).toBe("{odd{}}:sb:");
    const k = indexKeys("s", "/a");
    expect(k.room("b:c")).not.toBe(indexKeys("s", "/a:b").room("c"));
  });

  it("maps a namespace to the stream the official adapter picks", () => {
    const shared = new Shared({} as Commands, resolveOptions({ streamCount: 3 }));
    for (const nsp of ["/", "/admin", "/chat", "/x/y", "/ünïcode", "/a".repeat(40)]) {
      const i = upstream.hashCode(nsp) % 3;
      expect(shared.streamName(nsp)).toBe(`socket.io-${i}`);
    }
    expect(new Shared({} as Commands, resolveOptions()).streamName("/admin")).toBe("socket.io");
  });

  it("refuses objects that are not Redis clients", () => {
    expect(() => new Commands({})).toThrow(UnsupportedClientError);
  });
});
