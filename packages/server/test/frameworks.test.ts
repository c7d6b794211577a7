// The server attaches to the HTTP servers of the frameworks Socket.IO users run it with:
// Express (its app is a request handler on a plain http.Server) and Fastify (`fastify.server`).
// In both, the framework keeps serving its own routes beside the Socket.IO endpoint.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import express from "express";
import Fastify from "fastify";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { Server } from "@switchboard/server";
import { TRANSPORTS, once } from "./helpers.js";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Connects the official client, emits `ping` with an ack and resolves with the reply. */
async function roundTrip(url: string, transports: readonly string[]): Promise<unknown> {
  const client: ClientSocket = ioc(url, {
    forceNew: true,
    reconnection: false,
    transports: [...transports],
  });
  closers.push(async () => client.disconnect());
  await once(client, "connect");
  return client.timeout(5000).emitWithAck("ping", "hi");
}

function serveEcho(io: Server): void {
  io.on("connection", (socket) =>
    socket.on("ping", (msg: string, ack: (r: string) => void) => ack(`pong:${msg}`)),
  );
}

describe.each(TRANSPORTS)("frameworks over $name", ({ transports }) => {
  it("Express: the app keeps its routes and Socket.IO answers on /socket.io/", async () => {
    const app = express();
    app.get("/hello", (_req, res) => {
      res.send("world");
    });
    const http = createServer(app);
    const io = new Server(http);
    serveEcho(io);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    closers.push(() => io.close());
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    expect(await (await fetch(`${url}/hello`)).text()).toBe("world");
    expect(await roundTrip(url, transports)).toBe("pong:hi");
  });

  it("Fastify: attaches to fastify.server and leaves its routes alone", async () => {
    const fastify = Fastify();
    fastify.get("/hello", async () => ({ hello: "world" }));
    await fastify.ready();
    const io = new Server(fastify.server);
    serveEcho(io);
    await fastify.listen({ port: 0, host: "127.0.0.1" });
    closers.push(async () => {
      await io.close();
      await fastify.close();
    });
    const url = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;

    expect(await (await fetch(`${url}/hello`)).json()).toEqual({ hello: "world" });
    expect(await roundTrip(url, transports)).toBe("pong:hi");
  });
});
