// The cluster directory over a fake server: lists from fetchSockets (as a Redis adapter would return them,
// including sockets of other nodes with odd data), and the fall-back to this worker's Presence when the
// other nodes cannot be asked.
import { afterEach, describe, expect, it, vi } from "vitest";
import { clusterDirectory, localDirectory } from "../src/directory.js";
import { Presence } from "../src/presence.js";
import type { ChatServerIO } from "../src/types.js";

type Fake = { id: string; data: unknown; rooms: Set<string> };

function fakeIo(sockets: Fake[] | Error): ChatServerIO {
  const fetch = (room?: string) => async (): Promise<Fake[]> => {
    if (sockets instanceof Error) throw sockets;
    return room === undefined ? sockets : sockets.filter((s) => s.rooms.has(room));
  };
  return {
    fetchSockets: fetch(),
    in: (room: string) => ({ fetchSockets: fetch(room) }),
  } as unknown as ChatServerIO;
}

const sock = (id: string, data: unknown, ...rooms: string[]): Fake => ({
  id,
  data,
  rooms: new Set([id, ...rooms]),
});

afterEach(() => vi.restoreAllMocks());

describe("clusterDirectory", () => {
  const presence = new Presence(["general"]);
  presence.claim("zed", "local1", undefined);
  presence.join("general", "local1", "zed");
  const fallback = localDirectory(presence);

  it("builds users, members, rooms and holders from every node's sockets, ignoring malformed data", async () => {
    const dir = clusterDirectory(
      fakeIo([
        sock("a", { name: "alice", token: "t1" }, "general", "dev"),
        sock("b", { name: "Bob" }, "general"),
        sock("b2", { name: "Bob" }, "dev"), // the same name twice counts once
        sock("x", { name: 42 }, "general"),
        sock("y", null, "ops"),
      ]),
      ["general"],
      fallback,
    );
    expect(await dir.users()).toEqual(["alice", "Bob"]);
    expect(await dir.members("dev")).toEqual(["alice", "Bob"]);
    expect(await dir.rooms()).toEqual([
      { name: "dev", count: 2 },
      { name: "general", count: 2 },
    ]);
    expect(await dir.holder("ALICE")).toEqual({ name: "alice", socketId: "a", token: "t1" });
    expect(await dir.holder("carol")).toBeUndefined();
    expect(dir.shared).toBe(true);
  });

  it("answers from this worker's Presence while the other nodes cannot be asked, and says so once", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const dir = clusterDirectory(fakeIo(new Error("Redis is down")), ["general"], fallback);
    expect(await dir.users()).toEqual(["zed"]);
    expect(await dir.members("general")).toEqual(["zed"]);
    expect((await dir.holder("zed"))?.socketId).toBe("local1");
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).toContain("Redis is down");
  });
});
