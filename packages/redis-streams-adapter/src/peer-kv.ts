// The peer directory (issue #16, docs/scaling.md) over the adapter's command client: GET, SET PX [NX] and DEL, each
// on one key so a cluster routes it by itself. A client that is not ready fails fast, so the engine answers the
// protocol's error at once instead of waiting on a command queued until Redis returns.
import { createPeerDirectory, type PeerDirectory, type PeerKeyValue } from "@switchboard/adapter";
import type { Commands } from "./client.js";
import { RedisUnavailableError } from "./errors.js";

/** Replies may come as Buffers (RESP3 or a buffer-mode client): the directory wants strings. */
function text(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  return Buffer.isBuffer(reply) ? reply.toString() : String(reply);
}

/** @internal The three directory commands on the user's client. */
export function peerKv(cmds: Commands): PeerKeyValue {
  const run = (args: string[]): Promise<unknown> => {
    if (!cmds.ready()) return Promise.reject(new RedisUnavailableError());
    return cmds.send(args, args[1]);
  };
  return {
    get: async (key) => text(await run(["GET", key])),
    set: async (key, value, { px, nx }) => {
      const args = ["SET", key, value, "PX", String(px)];
      if (nx === true) args.push("NX");
      return text(await run(args)) === "OK";
    },
    del: async (key) => {
      await run(["DEL", key]);
    },
  };
}

/** @internal The directory of one `createAdapter()`: keys `<streamName>#sb-peer#<tag>`. */
export function peerDirectoryFor(cmds: Commands, streamName: string): PeerDirectory {
  return createPeerDirectory(peerKv(cmds), { prefix: `${streamName}#sb-peer#` });
}
