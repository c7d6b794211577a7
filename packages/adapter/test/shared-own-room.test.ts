// A socket in its own room only holds one Set, shared by `sids` and `rooms` (issue #6, memory per
// socket); every change splits it first, so both maps keep socket.io's contents and events.
import { Adapter, type AdapterNamespace } from "@switchboard/adapter";
import { describe, expect, test } from "vitest";

function adapterWithEvents(): { adapter: Adapter; events: string[] } {
  const nsp = { name: "/", sockets: new Map() } as unknown as AdapterNamespace;
  const adapter = new Adapter(nsp);
  const events: string[] = [];
  for (const ev of ["create-room", "join-room", "leave-room", "delete-room"] as const) {
    adapter.on(ev, (room: string, id?: string) =>
      events.push(id === undefined ? `${ev} ${room}` : `${ev} ${room} ${id}`),
    );
  }
  return { adapter, events };
}

describe("the own room's Set", () => {
  test("is shared by sids and rooms until the socket joins another room", () => {
    const { adapter, events } = adapterWithEvents();
    void adapter.addAll("a", new Set(["a"]));
    expect(adapter.sids.get("a")).toBe(adapter.rooms.get("a"));
    expect(adapter.sids.get("a")).toEqual(new Set(["a"]));
    void adapter.addAll("a", new Set(["r"]));
    expect(adapter.sids.get("a")).toEqual(new Set(["a", "r"]));
    expect(adapter.rooms.get("a")).toEqual(new Set(["a"]));
    expect(adapter.rooms.get("r")).toEqual(new Set(["a"]));
    expect(events).toEqual(["create-room a", "join-room a a", "create-room r", "join-room r a"]);
  });

  test("another socket joining a socket's own room does not change that socket's rooms", () => {
    const { adapter } = adapterWithEvents();
    void adapter.addAll("a", new Set(["a"]));
    void adapter.addAll("b", new Set(["b", "a"]));
    expect(adapter.rooms.get("a")).toEqual(new Set(["a", "b"]));
    expect(adapter.sids.get("a")).toEqual(new Set(["a"]));
    expect(adapter.sids.get("b")).toEqual(new Set(["b", "a"]));
    adapter.delAll("b");
    expect(adapter.rooms.get("a")).toEqual(new Set(["a"]));
    expect(adapter.sids.has("b")).toBe(false);
  });

  test("leaving the own room and leaving everything emit the same events as separate Sets", () => {
    const { adapter, events } = adapterWithEvents();
    void adapter.addAll("a", new Set(["a"]));
    void adapter.del("a", "a");
    expect(adapter.sids.get("a")).toEqual(new Set());
    expect(adapter.rooms.has("a")).toBe(false);
    void adapter.addAll("a", new Set(["a", "x"]));
    adapter.delAll("a");
    expect(adapter.rooms.size).toBe(0);
    expect(adapter.sids.size).toBe(0);
    expect(events).toEqual([
      "create-room a",
      "join-room a a",
      "leave-room a a",
      "delete-room a",
      "create-room a",
      "join-room a a",
      "create-room x",
      "join-room x a",
      "leave-room a a",
      "delete-room a",
      "leave-room x a",
      "delete-room x",
    ]);
  });

  test("delAll of a socket only in its own room", () => {
    const { adapter, events } = adapterWithEvents();
    void adapter.addAll("a", new Set(["a"]));
    adapter.delAll("a");
    expect(adapter.rooms.size).toBe(0);
    expect(adapter.sids.size).toBe(0);
    expect(events.slice(2)).toEqual(["leave-room a a", "delete-room a"]);
  });
});

// A socket only in its own room is "solo": no Set and no map entries until its rooms are read or changed,
// yet both maps answer for it exactly as if they held `id → Set { id }`.
describe("a solo socket (own room only)", () => {
  function withSockets(...ids: string[]): {
    adapter: Adapter;
    events: string[];
    delivered: string[];
  } {
    const delivered: string[] = [];
    const sockets = new Map(ids.map((id) => [id, { id, deliver: () => delivered.push(id) }]));
    const nsp = { name: "/", sockets, prepare: () => "p" } as unknown as AdapterNamespace;
    const adapter = new Adapter(nsp);
    const events: string[] = [];
    for (const ev of ["create-room", "join-room", "leave-room", "delete-room"] as const) {
      adapter.on(ev, (room: string, id?: string) =>
        events.push(id === undefined ? `${ev} ${room}` : `${ev} ${room} ${id}`),
      );
    }
    for (const id of ids) void adapter.addAll(id, new Set([id]));
    return { adapter, events, delivered };
  }

  test("is counted and listed by both maps without being stored", () => {
    const { adapter, events } = withSockets("a", "b");
    void adapter.addAll("b", new Set(["r"]));
    expect(adapter.rooms.has("a")).toBe(true);
    expect(adapter.sids.has("a")).toBe(true);
    expect(adapter.rooms.size).toBe(3);
    expect(adapter.sids.size).toBe(2);
    expect(new Set(adapter.rooms.keys())).toEqual(new Set(["a", "b", "r"]));
    expect(new Set(adapter.sids.keys())).toEqual(new Set(["a", "b"]));
    expect(new Map(adapter.rooms)).toEqual(
      new Map([
        ["a", new Set(["a"])],
        ["b", new Set(["b"])],
        ["r", new Set(["b"])],
      ]),
    );
    const seen: string[] = [];
    adapter.sids.forEach((rooms, id) => seen.push(`${id}:${[...rooms].join(",")}`));
    expect(seen.sort()).toEqual(["a:a", "b:b,r"]);
    expect([...adapter.rooms.values()].map((s) => s.size).sort()).toEqual([1, 1, 1]);
    expect(events.slice(0, 4)).toEqual([
      "create-room a",
      "join-room a a",
      "create-room b",
      "join-room b b",
    ]);
  });

  test("reading its rooms gives the live, shared Set", () => {
    const { adapter } = withSockets("a");
    const rooms = adapter.socketRooms("a");
    expect(rooms).toEqual(new Set(["a"]));
    expect(adapter.sids.get("a")).toBe(rooms);
    expect(adapter.rooms.get("a")).toBe(rooms);
    void adapter.addAll("a", new Set(["x"]));
    expect(adapter.socketRooms("a")).toEqual(new Set(["a", "x"]));
    expect(adapter.rooms.get("a")).toEqual(new Set(["a"]));
  });

  test("joining it again is a no-op; leaving another room changes nothing", () => {
    const { adapter, events } = withSockets("a");
    void adapter.addAll("a", new Set(["a"]));
    void adapter.del("a", "nope");
    expect(events).toEqual(["create-room a", "join-room a a"]);
    expect(adapter.sids.get("a")).toEqual(new Set(["a"]));
  });

  test("leaves and disconnects with socket.io's events", () => {
    const { adapter, events } = withSockets("a", "b");
    void adapter.del("a", "a");
    expect(adapter.sids.get("a")).toEqual(new Set());
    expect(adapter.rooms.has("a")).toBe(false);
    adapter.delAll("b");
    expect(adapter.sids.has("b")).toBe(false);
    expect(adapter.rooms.has("b")).toBe(false);
    expect(events.slice(4)).toEqual([
      "leave-room a a",
      "delete-room a",
      "leave-room b b",
      "delete-room b",
    ]);
  });

  test("another socket joining its room gets both in it; the solo socket's rooms stay its own", () => {
    const { adapter } = withSockets("a", "b");
    void adapter.addAll("b", new Set(["a"]));
    expect(adapter.rooms.get("a")).toEqual(new Set(["a", "b"]));
    expect(adapter.sids.get("a")).toEqual(new Set(["a"]));
  });

  test("broadcasts reach it by its id, everyone, and except", async () => {
    const { adapter, delivered } = withSockets("a", "b", "c");
    void adapter.addAll("c", new Set(["r"]));
    const packet = { type: 2, nsp: "/", data: ["x"] };
    adapter.broadcast(packet, { rooms: new Set(["a"]) });
    expect(delivered.splice(0)).toEqual(["a"]);
    adapter.broadcast(packet, { rooms: new Set() });
    expect(delivered.splice(0).sort()).toEqual(["a", "b", "c"]);
    adapter.broadcast(packet, { rooms: new Set(), except: new Set(["b", "r"]) });
    expect(delivered.splice(0)).toEqual(["a"]);
    adapter.broadcast(packet, { rooms: new Set(["a", "b", "r"]), except: new Set(["a"]) });
    expect(delivered.splice(0).sort()).toEqual(["b", "c"]);
    expect([...(await adapter.sockets(new Set(["b"])))]).toEqual(["b"]);
    // none of it stored anything for the solo sockets
    expect(adapter.rooms.size).toBe(4);
  });

  test("Map methods on the public maps keep both maps consistent", () => {
    const { adapter } = withSockets("a", "b");
    expect(adapter.rooms.delete("a")).toBe(true);
    expect(adapter.rooms.has("a")).toBe(false);
    expect(adapter.sids.get("a")).toEqual(new Set(["a"]));
    adapter.sids.clear();
    expect(adapter.sids.size).toBe(0);
    expect(adapter.rooms.get("b")).toEqual(new Set(["b"]));
  });
});
