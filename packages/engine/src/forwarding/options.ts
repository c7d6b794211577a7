// The engine's side of forwarding (issue #16, docs/scaling.md): what it needs from a directory of peers,
// and the options users set through `new Server(srv, { forwarding })`.
import { InvalidOptionError } from "../errors.js";
import { parseAddress } from "./advertise-address.js";

/** Structurally the same as `PeerDirectory` of @switchboard/adapter (the engine does not depend on it). */
export interface ForwardingDirectory {
  claim(tag: string, address: string): Promise<boolean>;
  lookup(tag: string): Promise<string | null>;
  release(tag: string): Promise<void>;
}

/** `forwarding` option of the server: `false` turns it off; `true` or an object turns it on when the adapter has a directory. */
export interface ForwardingOptions {
  /** Address peers use to reach this node (`http://host:port`). Default: derived from the listening http.Server. */
  address?: string;
  /** Forwarded requests and relayed WebSockets in flight on this node, beyond which the answer is 503. Default 10000. */
  maxInFlight?: number;
  /** ms to connect to the owner before answering `400 Session ID unknown`. Default 2000. */
  connectTimeout?: number;
  /** ms to wait for the directory before answering `400 Session ID unknown`. Default 1000. */
  lookupTimeout?: number;
}

/**
 * Counters of forwarding on one engine (`engine.forwarding`), a snapshot taken when read.
 * @example
 * const stats = engine.forwarding;
 * if (stats) console.log(`${stats.inFlight} in flight, ${stats.refused} refused`);
 */
export interface ForwardingStats {
  /** This node's tag: the first 6 characters of the session ids it creates once the tag is claimed. */
  readonly tag: string;
  /** The address claimed for the tag; null until known (the http.Server is not listening yet). */
  readonly address: string | null;
  /** Whether the tag is claimed: only sessions created from then on can be reached through peers. */
  readonly claimed: boolean;
  /** Forwarded requests and relayed WebSockets in progress (bounded by `maxInFlight`). */
  readonly inFlight: number;
  /** Polling requests sent to their owner. */
  readonly forwarded: number;
  /** WebSocket upgrades relayed to their owner. */
  readonly relayedWebSockets: number;
  /** Requests for a peer's session answered here instead: `400 Session ID unknown` or 503. */
  readonly refused: number;
  /** Of `refused`: 503s because `maxInFlight` was reached. */
  readonly busy: number;
  /** Of `refused`: the owner could not be reached (refused, timed out, or its link broke). */
  readonly unreachable: number;
  /** Directory lookups made (cache misses). */
  readonly lookups: number;
}

/** @internal Forwarding options with defaults applied. */
export interface ResolvedForwardingOptions {
  address: string | undefined;
  maxInFlight: number;
  connectTimeout: number;
  lookupTimeout: number;
}

/** @internal Applies the defaults and validates. Throws `InvalidOptionError`. */
export function resolveForwardingOptions(opts: ForwardingOptions = {}): ResolvedForwardingOptions {
  const { address } = opts;
  if (address !== undefined && (typeof address !== "string" || parseAddress(address) === null))
    throw new InvalidOptionError(
      `forwarding.address must be http://host:port, got ${String(address)}`,
    );
  return {
    address,
    maxInFlight: count("maxInFlight", opts.maxInFlight, 10_000),
    connectTimeout: count("connectTimeout", opts.connectTimeout, 2000),
    lookupTimeout: count("lookupTimeout", opts.lookupTimeout, 1000),
  };
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw new InvalidOptionError(
      `forwarding.${name} must be an integer >= 1, got ${String(value)}`,
    );
  return value;
}
