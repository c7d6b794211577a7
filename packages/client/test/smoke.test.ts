import { afterEach, describe, expect, it } from "vitest";
import { io, type Socket } from "@switchboard/client";
import { next, peers, stop, type Started } from "./peers.js";

describe.each(peers)("client smoke against $name", (peer) => {
  let server: Started | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await stop(server);
    server = undefined;
  });

  it("connects and exchanges an event with ack", async () => {
    server = await peer.start();
    server.io.on("connection", (s) =>
      s.on("hello", (a: unknown, cb: (x: unknown) => void) => cb(["got", a])),
    );
    const socket = io(server.url, { forceNew: true });
    clients.push(socket);
    await next(socket, "connect");
    expect(socket.connected).toBe(true);
    expect(typeof socket.id).toBe("string");
    const res = await socket.emitWithAck("hello", 1);
    expect(res).toEqual(["got", 1]);
  });
});
