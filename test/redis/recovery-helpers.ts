// Helpers of the recovery tests: official socket.io-client clients that record every event, a transport drop that
// keeps the session, and a reconnection that waits for both ends.
import type { Server, Socket as ServerSocket } from "@switchboard/server";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { expect } from "vitest";

/** A server under test and its port. */
export interface Listening {
  io: Server;
  port: number;
}

/** Functions run (in reverse order) after each test: the test file calls them from its afterEach. */
export const cleanups: (() => Promise<unknown> | unknown)[] = [];

/** An official client recording every event (name and arguments, the offset included). */
export async function connect(node: Listening, auth: Record<string, unknown> = {}) {
  const socket = ioc(`http://127.0.0.1:${node.port}`, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth,
  });
  cleanups.push(() => socket.disconnect());
  const events: unknown[][] = [];
  socket.onAny((...args: unknown[]) => events.push(args));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return { socket, events };
}

/** Resolves when `events` holds an event named `name`. */
export function received(events: unknown[][], name: string): Promise<unknown[]> {
  return waitUntil(() => events.some((e) => e[0] === name)).then(
    () => events.find((e) => e[0] === name) as unknown[],
  );
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 8000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Drops the client's transport (no DISCONNECT packet): the server keeps the session. */
export async function drop(node: Listening, client: ClientSocket): Promise<void> {
  const server = node.io.of("/").sockets.get(client.id as string) as ServerSocket;
  const gone = new Promise((r) => server.once("disconnect", r));
  client.io.engine.close();
  expect(await gone).toBe("transport close");
}

export async function reconnect(node: Listening, client: ClientSocket): Promise<ServerSocket> {
  const connection = new Promise<ServerSocket>((r) => node.io.once("connection", r));
  client.connect();
  const socket = await connection;
  await new Promise<void>((r) => (client.connected ? r() : client.once("connect", () => r())));
  return socket;
}
