// What the namespaces of one `createAdapter()` share: the user's client (commands), one subscriber client, one
// reader (a blocking client) per stream. Created with the first namespace, closed with the last.
import type { PeerDirectory } from "@switchboard/adapter";
import createDebug from "debug";
import { Commands } from "./client.js";
import { peerDirectoryFor } from "./peer-kv.js";
import type { RedisStreamsAdapter } from "./adapter.js";
import { StreamReader } from "./reader.js";

const debug = createDebug("socket.io-redis-streams-adapter");

/** Options of {@link createAdapter}, with upstream's names and defaults. */
export interface RedisStreamsAdapterOptions {
  /** Name of the stream. Default `"socket.io"`. */
  streamName?: string;
  /** Streams to spread namespaces over (by a hash of the name); >1 names them `<streamName>-<i>`. Default 1. */
  streamCount?: number;
  /** Prefix of the pub/sub channels (requests, responses). Default `"socket.io"`. */
  channelPrefix?: string;
  /** Use sharded pub/sub (Redis 7 SPUBLISH/SSUBSCRIBE) for requests and responses. Default false. */
  useShardedPubSub?: boolean;
  /** Approximate maximum length of the stream (`XADD MAXLEN ~`). Default 10000. */
  maxLen?: number;
  /** Entries fetched per XREAD. Default 100. */
  readCount?: number;
  /** How long an XREAD blocks, in ms. Default 5000. */
  blockTimeInMs?: number;
  /** Prefix of the session keys. Default `"sio:session:"`. */
  sessionKeyPrefix?: string;
  /** Accepted for compatibility (the official adapter counts nodes with PUBSUB NUMSUB, as this one does). Default 5000. */
  heartbeatInterval?: number;
  /** Accepted for compatibility. Default 10000. */
  heartbeatTimeout?: number;
  /** Always encode entry data as JSON, even with binary (which then does not survive). Default false. */
  onlyPlaintext?: boolean;
  /** How long `fetchSockets()` / `serverSideEmit` with ack wait for the other nodes, in ms. Default 5000. */
  requestsTimeout?: number;
  /** Stream entries and pub/sub messages larger than this (bytes/characters) are skipped and counted. Default 10 MiB. */
  maxMessageSize?: number;
  /** Session records larger than this (bytes of msgpack) are neither written nor read. Default 1 MiB. */
  maxSessionSize?: number;
}

/** @internal */
export type ResolvedOptions = Required<RedisStreamsAdapterOptions>;

/** @internal */
export function resolveOptions(opts: RedisStreamsAdapterOptions = {}): ResolvedOptions {
  return {
    streamName: "socket.io",
    streamCount: 1,
    channelPrefix: "socket.io",
    useShardedPubSub: false,
    maxLen: 10_000,
    readCount: 100,
    blockTimeInMs: 5000,
    sessionKeyPrefix: "sio:session:",
    heartbeatInterval: 5000,
    heartbeatTimeout: 10_000,
    onlyPlaintext: false,
    requestsTimeout: 5000,
    maxMessageSize: 10 * 1024 * 1024,
    maxSessionSize: 1024 * 1024,
    ...stripUndefined(opts),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The official adapter's string hash (Java's), kept bit for bit so both pick the same stream. */
function hashCode(s: string): number {
  let hash = 0;
  for (let i = 0; i < s.length; i++) {
    hash = hash * 31 + s.charCodeAt(i);
    hash |= 0;
  }
  return hash;
}

/** @internal */
export class Shared {
  readonly cmds: Commands;
  readonly opts: ResolvedOptions;
  /** One directory for every namespace of this `createAdapter()` (request forwarding, docs/scaling.md). */
  readonly peerDirectory: PeerDirectory;
  readonly #adapters = new Map<string, RedisStreamsAdapter>();
  readonly #readers = new Map<string, StreamReader>();
  #subscriber: Promise<Commands> | undefined;

  constructor(cmds: Commands, opts: ResolvedOptions) {
    this.cmds = cmds;
    this.opts = opts;
    this.peerDirectory = peerDirectoryFor(cmds, opts.streamName);
  }

  /** The stream of a namespace (as the official adapter computes it). */
  streamName(nsp: string): string {
    const { streamName, streamCount } = this.opts;
    if (streamCount === 1) return streamName;
    return `${streamName}-${hashCode(nsp) % streamCount}`;
  }

  register(adapter: RedisStreamsAdapter): void {
    this.#adapters.set(adapter.nsp.name, adapter);
  }

  release(adapter: RedisStreamsAdapter): void {
    if (this.#adapters.get(adapter.nsp.name) !== adapter) return;
    this.#adapters.delete(adapter.nsp.name);
    if (this.#adapters.size > 0) return;
    for (const reader of this.#readers.values()) reader.close();
    this.#readers.clear();
    const sub = this.#subscriber;
    this.#subscriber = undefined;
    void sub?.then((s) => s.close()).catch(() => undefined);
  }

  subscriber(): Promise<Commands> {
    return (this.#subscriber ??= this.cmds.duplicate());
  }

  reader(stream: string): StreamReader {
    let reader = this.#readers.get(stream);
    if (reader === undefined) {
      reader = new StreamReader(
        this.cmds.duplicate(),
        stream,
        { readCount: this.opts.readCount, blockTimeInMs: this.opts.blockTimeInMs },
        (entries) => {
          for (const entry of entries) {
            const nsp = entry.fields["nsp"];
            if (nsp === undefined) continue;
            try {
              this.#adapters.get(nsp)?.onEntry(entry);
            } catch (err) {
              debug("entry %s not handled: %s", entry.id, (err as Error).message);
            }
          }
        },
        this.cmds,
      );
      this.#readers.set(stream, reader);
    }
    return reader;
  }
}
