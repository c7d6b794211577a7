// Pins each package's runtime export list. A user-facing package exports what its Socket.IO twin exports (so
// that swapping the import is the whole migration) plus the documented extensions listed here, each named in the
// package README; everything else is an internal behind an `/internal` subpath. Every extra export is a promise:
// adding one means adding it here and documenting it.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Surface {
  /** Our package. */
  pkg: string;
  /** The Socket.IO package it stands in for. */
  twin?: string;
  /** The twin's names we do not provide, and why (the README says so too). */
  notProvided?: Record<string, string>;
  /** Our names beyond the twin's, each documented in the README. */
  extensions: readonly string[];
  /**
   * Packages being written this session: no exact pin yet. Their exports must still be the twin's or named in
   * the README.
   */
  pending?: boolean;
}

const SURFACES: readonly Surface[] = [
  {
    pkg: "@switchboard/server",
    twin: "socket.io",
    extensions: [
      "BroadcastOperator",
      "RemoteSocket",
      "ServerChannels",
      "namespacesOf",
      "SocketIOError",
      "AckTimeoutError",
      "ReservedEventError",
      "ErrorCode",
      "RateLimitError",
      // Contracts (issue #17), re-exported from @switchboard/contract.
      "ContractValidationError",
      "defineContract",
      "toAsyncAPI",
    ],
  },
  {
    pkg: "@switchboard/client",
    twin: "socket.io-client",
    notProvided: { WebTransport: "no WebTransport transport" },
    extensions: [
      "Backoff",
      "ClientError",
      "ConnectError",
      "ErrorCode",
      // Contracts (issue #17), re-exported from @switchboard/contract.
      "ContractValidationError",
      "defineContract",
    ],
  },
  {
    pkg: "@switchboard/engine",
    twin: "engine.io",
    notProvided: {
      uServer: "no µWebSockets.js support",
      transports: "the transport classes are not pluggable",
    },
    extensions: [
      "preEncode",
      "PreEncodedPacket",
      "DiagnosticsChannels",
      "ErrorCodes",
      "ErrorMessages",
      "EngineErrorCodes",
      "EngineErrorCode",
      "EngineError",
      "RequestError",
      "ParseError",
      "TransportError",
      "PayloadTooLargeError",
      "InvalidOptionError",
    ],
  },
  {
    pkg: "@switchboard/engine-client",
    twin: "engine.io-client",
    notProvided: {
      WebTransport: "no WebTransport transport",
      transports: "transports are chosen by name and `transportImplementations`",
      installTimerFunctions: "timers are passed as options (`setTimer`/`clearTimer`)",
      nextTick: "an engine.io-client internal",
      parse: "URL parsing is `parseUri`",
    },
    extensions: [
      "BaseSocket",
      "ErrorCode",
      "ProbeError",
      "Polling",
      "WebSocketTransport",
      "SocketWithUpgrade",
      "SocketWithoutUpgrade",
      "parseUri",
      "setTimer",
      "clearTimer",
    ],
  },
  {
    pkg: "@switchboard/admin",
    twin: "@socket.io/admin-ui",
    extensions: [
      "metrics",
      "Registry",
      "Counter",
      "Gauge",
      "Histogram",
      "acquireStream",
      "serveDashboard",
      "createDashboardHandler",
      "AdminError",
      "AdminErrorCode",
      "DashboardOptionsError",
    ],
  },
  {
    pkg: "@switchboard/redis-adapter",
    twin: "@socket.io/redis-adapter",
    extensions: [
      "ShardedRedisAdapter",
      "RequestType",
      "RedisAdapterError",
      "RedisAdapterErrorCode",
      "RedisCommandError",
      "RedisUnavailableError",
      "UnsupportedClientError",
    ],
  },
  {
    pkg: "@switchboard/sticky",
    twin: "@socket.io/sticky",
    extensions: ["LoadBalancingMethods", "StickyError", "StickyErrorCode", "StickyErrorCodes"],
  },
  {
    pkg: "@switchboard/adapter",
    twin: "socket.io-adapter",
    extensions: [
      "RequestTracker",
      "msgpackEncode",
      "msgpackDecode",
      "AdapterError",
      "AdapterErrorCode",
      "RequestTimeoutError",
      "MsgpackDecodeError",
      "MsgpackEncodeError",
      "RECOVERY_CHANNEL",
      "createPeerDirectory",
    ],
  },
  {
    pkg: "@switchboard/parser",
    twin: "socket.io-parser",
    extensions: [
      "RESERVED_EVENTS",
      "hasBinary",
      "isBinary",
      "DecodeError",
      "DecodeErrorCode",
      "EncodeError",
      "EncodeErrorCode",
    ],
  },
  {
    pkg: "@switchboard/engine-parser",
    twin: "engine.io-parser",
    notProvided: {
      createPacketEncoderStream: "WebTransport framing; there is no WebTransport transport",
      createPacketDecoderStream: "WebTransport framing; there is no WebTransport transport",
    },
    extensions: [],
  },
  {
    pkg: "@switchboard/emitter",
    twin: "@socket.io/component-emitter",
    extensions: ["EmitterBase", "on"],
  },
  {
    pkg: "@switchboard/redis-emitter",
    twin: "@socket.io/redis-emitter",
    extensions: ["RedisEmitterError", "RedisEmitterErrorCode"],
  },
  {
    pkg: "@switchboard/redis-streams-adapter",
    twin: "@socket.io/redis-streams-adapter",
    extensions: [
      "RedisStreamsAdapter",
      "RedisStreamsAdapterError",
      "RedisStreamsAdapterErrorCode",
      "RedisCommandError",
      "RedisUnavailableError",
      "UnsupportedClientError",
    ],
  },
  { pkg: "@switchboard/contract", extensions: [], pending: true },
];

/**
 * Runtime names of a module. For a CommonJS twin, without the interop `__esModule` and the `default` that only
 * repeats `module.exports` (the ESM client's `default`, the `io` function, is a real export).
 */
async function names(specifier: string): Promise<string[]> {
  const mod = (await import(specifier)) as Record<string, unknown>;
  // Node 23+ adds a `module.exports` name to a CommonJS module's namespace: the same object as `default`.
  const keys = Object.keys(mod).filter((k) => k !== "module.exports");
  const def = mod["default"];
  const interop =
    keys.includes("__esModule") ||
    (typeof def === "object" &&
      def !== null &&
      keys.every((k) => k === "default" || (def as Record<string, unknown>)[k] === mod[k]));
  return keys.filter((k) => k !== "__esModule" && !(interop && k === "default")).sort();
}

function readme(pkg: string): string {
  const file = `${root}packages/${pkg.split("/")[1]}/README.md`;
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

function manifest(pkg: string): { exports: Record<string, unknown> } {
  return JSON.parse(readFileSync(`${root}packages/${pkg.split("/")[1]}/package.json`, "utf8")) as {
    exports: Record<string, unknown>;
  };
}

/** Whether `name` appears in `text` as a whole word (in code spans, tables or prose). */
function mentions(text: string, name: string): boolean {
  return new RegExp(`(^|[^\\w$])${name.replace(/\$/g, "\\$")}($|[^\\w$])`).test(text);
}

describe.each(SURFACES)("public surface of $pkg", (s) => {
  it("exports the twin's names, minus the documented gaps", async () => {
    const ours = await names(s.pkg);
    if (s.pending && ours.length === 0) return; // a skeleton so far: nothing to compare
    const twin = s.twin ? await names(s.twin) : [];
    const notProvided = Object.keys(s.notProvided ?? {});
    for (const n of notProvided) expect(twin, `${n} is not a name of ${s.twin}`).toContain(n);
    expect(twin.filter((n) => !ours.includes(n) && !notProvided.includes(n))).toEqual([]);
    // A gap that got filled must leave the list.
    expect(notProvided.filter((n) => ours.includes(n))).toEqual([]);
  });

  it("exports nothing beyond the twin's names and the documented extensions", async () => {
    const ours = await names(s.pkg);
    const twin = s.twin ? await names(s.twin) : [];
    if (s.pending) {
      const text = readme(s.pkg);
      const undocumented = ours.filter((n) => !twin.includes(n) && !mentions(text, n));
      expect(undocumented, `${s.pkg}: extra exports not named in its README`).toEqual([]);
      return;
    }
    const expected = [...new Set([...twin.filter((n) => ours.includes(n)), ...s.extensions])];
    expect(ours).toEqual(expected.sort());
  });

  it("names each extension in its README", () => {
    const text = readme(s.pkg);
    expect(s.extensions.filter((n) => !mentions(text, n))).toEqual([]);
  });

  it("documents its /internal entry as not public, when it has one", async () => {
    if (!("./internal" in manifest(s.pkg).exports)) return;
    const internal = await names(`${s.pkg}/internal`);
    expect(internal.length).toBeGreaterThan(0);
    expect(readme(s.pkg)).toContain(`${s.pkg}/internal`);
  });
});

describe("the check itself", () => {
  it("sees a name only as a whole word", () => {
    expect(mentions("use `Registry` here", "Registry")).toBe(true);
    expect(mentions("a RegistryOptions type", "Registry")).toBe(false);
    expect(mentions("on(emitter)", "on")).toBe(true);
    expect(mentions("once", "on")).toBe(false);
  });
});
