import { afterEach, describe, expect, it } from "vitest";
import { Feature } from "@switchboard/admin/internal";
import type { Socket as OurSocket } from "@switchboard/client";
import { namespacesOf } from "@switchboard/server";
import {
  adminClient,
  appClient,
  closeAll,
  startServer,
  until,
  type TestServer,
} from "./helpers.js";

afterEach(closeAll);

/** Three app clients on `/`: a and b in room "red", c alone. */
async function setup(readonly: boolean): Promise<{
  srv: TestServer;
  a: OurSocket;
  b: OurSocket;
  c: OurSocket;
  admin: Awaited<ReturnType<typeof adminClient>>;
}> {
  const srv = await startServer({ auth: false, readonly, mode: "production" });
  const a = await appClient(srv.url);
  const b = await appClient(srv.url);
  const c = await appClient(srv.url);
  await until(() => srv.io.sockets.sockets.size === 3, "three sockets");
  for (const s of [a, b]) await srv.io.sockets.sockets.get(s.id!)!.join("red");
  const admin = await adminClient(srv.url, undefined);
  await admin.wait("config");
  return { srv, a, b, c, admin };
}

const roomsOf = (srv: TestServer, s: OurSocket): Set<string> =>
  srv.io.sockets.sockets.get(s.id!)?.rooms ?? new Set();
const disconnected = (s: OurSocket) =>
  new Promise<string>((resolve) => s.once("disconnect", (reason: string) => resolve(reason)));

describe("admin actions", () => {
  it("_disconnect one socket (by id), then a room, then the whole namespace", async () => {
    const { srv, a, b, c, admin } = await setup(false);
    const byId = disconnected(c);
    admin.socket.emit("_disconnect", "/", false, c.id);
    expect(await byId).toBe("io server disconnect");
    expect(a.connected && b.connected).toBe(true);

    const d = await appClient(srv.url);
    const room = Promise.all([disconnected(a), disconnected(b)]);
    admin.socket.emit("_disconnect", "/", false, "red");
    await room;
    expect(d.connected).toBe(true);

    const all = disconnected(d);
    admin.socket.emit("_disconnect", "/", true);
    expect(await all).toBe("io server disconnect");
  });

  it("join and leave a room, for one socket or a room", async () => {
    const { srv, a, b, c, admin } = await setup(false);
    admin.socket.emit("join", "/", "blue", c.id);
    await until(() => roomsOf(srv, c).has("blue"), "c in blue");
    expect(roomsOf(srv, a).has("blue")).toBe(false);
    admin.socket.emit("join", "/", "green", "red");
    await until(() => roomsOf(srv, a).has("green") && roomsOf(srv, b).has("green"), "red in green");
    expect(roomsOf(srv, c).has("green")).toBe(false);
    admin.socket.emit("leave", "/", "red", a.id);
    await until(() => !roomsOf(srv, a).has("red"), "a left red");
    expect(roomsOf(srv, b).has("red")).toBe(true);
    admin.socket.emit("join", "/", "everyone");
    await until(() => [a, b, c].every((s) => roomsOf(srv, s).has("everyone")), "all in everyone");
  });

  it("emit to a room, or to the whole namespace", async () => {
    const { a, b, c, admin } = await setup(false);
    const got: string[] = [];
    for (const [name, s] of [
      ["a", a],
      ["b", b],
      ["c", c],
    ] as const)
      s.on("notice", (text: string) => got.push(`${name}:${text}`));
    admin.socket.emit("emit", "/", "red", "notice", "to-red");
    await until(() => got.length === 2, "two notices");
    expect(got.sort()).toEqual(["a:to-red", "b:to-red"]);
    admin.socket.emit("emit", "/", undefined, "notice", "to-all");
    await until(() => got.length === 5, "three more notices");
    expect(got.filter((g) => g.endsWith("to-all")).sort()).toEqual([
      "a:to-all",
      "b:to-all",
      "c:to-all",
    ]);
  });

  it("ignores malformed actions and never creates a namespace", async () => {
    const { srv, a, admin } = await setup(false);
    admin.socket.emit("_disconnect", "/nope", true);
    admin.socket.emit("join", 42, "x");
    admin.socket.emit("join", "/", { room: 1 });
    admin.socket.emit("emit", "/", "red", { not: "a name" });
    admin.socket.emit("join", "/", "after", a.id);
    await until(() => roomsOf(srv, a).has("after"), "the valid action after the bad ones");
    expect([...namespacesOf(srv.io)].map((n) => n.name)).not.toContain("/nope");
    expect(a.connected).toBe(true);
  });
});

describe("readonly", () => {
  it("announces no action and refuses every one on the server", async () => {
    const { srv, a, b, c, admin } = await setup(true);
    const [config] = admin.all("config")[0]!;
    expect(config.supportedFeatures).toEqual([Feature.AGGREGATED_EVENTS]);
    expect(config.readonly).toBe(true);
    let notices = 0;
    for (const s of [a, b, c]) s.on("notice", () => notices++);
    // a raw client sending the actions anyway, as a tampered page would
    admin.socket.emit("_disconnect", "/", true);
    admin.socket.emit("_disconnect", "/", false, c.id);
    admin.socket.emit("join", "/", "blue", c.id);
    admin.socket.emit("leave", "/", "red", a.id);
    admin.socket.emit("emit", "/", undefined, "notice", "x");
    // a barrier: the server handles packets of one connection in order
    const [serverSide] = [...srv.admin.namespace.sockets.values()];
    serverSide!.on("barrier", (ack: () => void) => ack());
    await admin.socket.timeout(3000).emitWithAck("barrier");
    expect(srv.io.sockets.sockets.size).toBe(3); // server side: nobody was disconnected
    expect(roomsOf(srv, c).has("blue")).toBe(false);
    expect(roomsOf(srv, a).has("red")).toBe(true);
    expect(notices).toBe(0);
  });
});
