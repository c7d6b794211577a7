// Clients, namespaces and small waits for the streams adapter's unit tests (real Redis).
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { waitUntil } from "../../../test/support/wait.js";
import type { Adapter } from "@switchboard/adapter";
import { FakeNamespace } from "@switchboard/adapter/testing";
import { PacketType, type Packet } from "@switchboard/parser";
import {
  createAdapter,
  type RedisStreamsAdapter,
  type RedisStreamsAdapterOptions,
} from "@switchboard/redis-streams-adapter";

export type Lib = "redis" | "ioredis";

export interface TestClient {
  client: object;
  /** A raw command, for the tests' own checks. */
  send(...args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function testClient(lib: Lib, url: string): Promise<TestClient> {
  if (lib === "redis") {
    const c = createClient({ url, socket: { reconnectStrategy: () => 50 } });
    c.on("error", () => undefined);
    await c.connect();
    return {
      client: c,
      send: (...args) => c.sendCommand(args),
      close: async () => {
        await c.close().catch(() => undefined);
      },
    };
  }
  const c = new Redis(url, { retryStrategy: () => 50, lazyConnect: true });
  c.on("error", () => undefined);
  await c.connect();
  return {
    client: c,
    send: (...args) => c.call(args[0] as string, ...args.slice(1)),
    close: async () => {
      c.disconnect();
    },
  };
}

/** A namespace host with connection state recovery on. */
export class RecoveringNamespace extends FakeNamespace {
  constructor(name = "/", maxDisconnectionDuration = 10_000) {
    super(name);
    this.recovery = { maxDisconnectionDuration };
  }
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** A node: an adapter for `nsp` from its own client. */
export async function node(
  client: TestClient,
  nsp: FakeNamespace,
  opts: RedisStreamsAdapterOptions,
): Promise<RedisStreamsAdapter> {
  const adapter = createAdapter(client.client, opts)(nsp) as RedisStreamsAdapter;
  nsp.adapter = adapter as Adapter;
  await adapter.init();
  await adapter.ready;
  return adapter;
}

export const event = (...data: unknown[]): Packet => ({ type: PacketType.EVENT, nsp: "/", data });

/** Wait until `check` holds, polling an observable state (not a duration): test/support/wait.ts's `waitUntil`. */
export function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  return waitUntil(check, what, timeoutMs);
}
