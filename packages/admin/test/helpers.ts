// Plumbing for the admin tests: a server with instrument() on port 0, admin clients (the official
// socket.io-client, as the official UI uses) that record every event, app clients (ours), cleanup.
import bcrypt from "bcryptjs";
import { createServer, type Server as HttpServer } from "node:http";
import { io as ourIo, type Socket as OurSocket } from "@switchboard/client";
import { Server, type ServerOptions } from "@switchboard/server";
import { instrument, type Instrumentation, type InstrumentOptions } from "@switchboard/admin";
import { io as officialIo, type Socket as OfficialSocket } from "socket.io-client";
import { cleanup, onCleanup } from "../../../test/support/cleanup.js";
import { closeHttp, listen } from "../../../test/support/net.js";
import { waitFor } from "../../../test/support/wait.js";

export const USER = "admin";
export const PASSWORD = "s3cret-pass";
// Cost 4: the lowest bcrypt accepts, to keep the tests quick.
export const HASH = bcrypt.hashSync(PASSWORD, 4);
export const BASIC = { type: "basic" as const, username: USER, password: HASH };

export { onCleanup } from "../../../test/support/cleanup.js";

/** Close everything the test opened (the kit's registry: call from afterEach). */
export const closeAll = cleanup.run;

export interface TestServer {
  io: Server;
  http: HttpServer;
  url: string;
  admin: Instrumentation;
}

/** An http server + our Server on port 0 with `instrument(io, opts)`. */
export async function startServer(
  opts: Partial<InstrumentOptions>,
  serverOpts: Partial<ServerOptions> = {},
): Promise<TestServer> {
  const http = createServer();
  const io = new Server(http, serverOpts);
  const admin = instrument(io, opts);
  const url = `http://127.0.0.1:${await listen(http)}`;
  onCleanup(async () => {
    admin.close();
    const closed = io.close();
    await closeHttp(http);
    await closed;
  });
  return { io, http, url, admin };
}

/** Every event an admin socket received, with a way to wait for one. */
export class Recorder {
  readonly events: [string, ...any[]][] = [];
  #waiters: (() => void)[] = [];

  constructor(readonly socket: OfficialSocket) {
    socket.onAny((ev: string, ...args: any[]) => {
      this.events.push([ev, ...args]);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** Events named `ev`, as argument lists. */
  all(ev: string): any[][] {
    return this.events.filter((e) => e[0] === ev).map((e) => e.slice(1));
  }

  /** The arguments of the first `ev` (already received or to come) matching `pred`. */
  wait(ev: string, pred: (...args: any[]) => boolean = () => true, ms = 4000): Promise<any[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for admin event "${ev}"`)),
        ms,
      );
      const check = (): void => {
        const hit = this.events.find((e) => e[0] === ev && pred(...e.slice(1)));
        if (hit !== undefined) {
          clearTimeout(timer);
          resolve(hit.slice(1));
        } else this.#waiters.push(check);
      };
      check();
    });
  }
}

/** An admin client; resolves once connected (or rejects with the connect_error). */
export async function adminClient(
  url: string,
  auth: Record<string, unknown> | undefined,
  nsp = "/admin",
): Promise<Recorder> {
  const socket = officialIo(url + nsp, {
    auth,
    forceNew: true,
    reconnection: false,
    transports: ["websocket"],
  });
  const rec = new Recorder(socket);
  onCleanup(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
  return rec;
}

/** The `connect_error` message an admin login gets. */
export async function adminRefusal(
  url: string,
  auth: Record<string, unknown> | undefined,
  nsp = "/admin",
): Promise<string> {
  try {
    await adminClient(url, auth, nsp);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("the admin login was accepted");
}

/** An app client (ours); resolves once connected. */
export async function appClient(
  url: string,
  opts: Record<string, unknown> = {},
  nsp = "/",
): Promise<OurSocket> {
  const socket = ourIo(url + nsp, {
    forceNew: true,
    reconnection: false,
    transports: ["websocket"],
    ...opts,
  });
  onCleanup(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err: Error) => reject(err));
  });
  return socket;
}

/** Resolves when `fn()` is true (polled), or rejects after `ms`. */
export function until(fn: () => boolean, what: string, ms = 4000): Promise<void> {
  return waitFor(fn, what, ms);
}
