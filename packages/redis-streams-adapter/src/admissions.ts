// Recovered sessions between their restoration and their admission. With `skipMiddlewares` (the default) a
// recovered socket is admitted in the very tick its session is restored, before this node's reader hands on anything
// newer; with middlewares it is admitted later, and the broadcasts meant for it meanwhile wait here, then go out right
// after its CONNECT reply, in stream order, before anything newer.
import type {
  AdapterNamespace,
  AdapterSocket,
  BroadcastOptions,
  Room,
  SocketId,
} from "@switchboard/adapter";
import type { Packet } from "@switchboard/parser";

/** How long a recovered session waits to be admitted before the events held for it are dropped. */
const ADMISSION_WINDOW_MS = 30_000;

interface Pending {
  rooms: Set<Room>;
  since: string | undefined;
  token: string;
  held: { packet: Packet; opts: BroadcastOptions }[];
  timer: ReturnType<typeof setTimeout>;
}

function reaches(opts: BroadcastOptions, rooms: ReadonlySet<Room>): boolean {
  if (opts.except !== undefined) for (const r of opts.except) if (rooms.has(r)) return false;
  if (opts.rooms.size === 0) return true;
  for (const r of opts.rooms) if (rooms.has(r)) return true;
  return false;
}

/** @internal */
export class PendingAdmissions {
  readonly #nsp: AdapterNamespace;
  readonly #pending = new Map<SocketId, Pending>();

  constructor(nsp: AdapterNamespace) {
    this.#nsp = nsp;
  }

  /** A session was restored: hold its broadcasts until {@link admit}. */
  expect(sid: SocketId, rooms: Room[], since: string | undefined, token: string): void {
    this.#drop(sid);
    const timer = setTimeout(() => this.#pending.delete(sid), ADMISSION_WINDOW_MS);
    timer.unref?.();
    this.#pending.set(sid, { rooms: new Set(rooms), since, token, held: [], timer });
  }

  /** A broadcast this node just delivered: keep it for the restored sockets it missed. */
  hold(packet: Packet, opts: BroadcastOptions): void {
    if (this.#pending.size === 0) return;
    for (const [sid, p] of this.#pending) {
      if (!this.#nsp.sockets.has(sid) && reaches(opts, p.rooms)) p.held.push({ packet, opts });
    }
  }

  /**
   * The socket was admitted: write what was held for it. For a restored session, returns the stream position the
   * session started from and the ownership token its recovery took the record with.
   */
  admit(socket: AdapterSocket): { since: string | undefined; token: string } | undefined {
    const p = this.#pending.get(socket.id);
    if (p === undefined) return undefined;
    this.#drop(socket.id);
    for (const { packet, opts } of p.held) {
      const flags = { volatile: false, compress: opts.flags?.compress !== false };
      socket.deliver(packet, this.#nsp.prepare(packet), flags);
    }
    return { since: p.since, token: p.token };
  }

  #drop(sid: SocketId): void {
    const p = this.#pending.get(sid);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.#pending.delete(sid);
  }

  close(): void {
    for (const p of this.#pending.values()) clearTimeout(p.timer);
    this.#pending.clear();
  }
}
