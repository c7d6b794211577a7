// The address a node publishes for its peers (`http://host:port`), and the parsing of the addresses
// it reads back from the directory.
import type { AddressInfo } from "node:net";
import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";

/** @internal Where to open a node-to-node link. */
export interface PeerEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * @internal The address peers reach a listening http.Server at: a wildcard bind (`::`, `0.0.0.0`) is
 * advertised as the first non-internal IPv4 address of the machine, else 127.0.0.1. Null for a pipe.
 */
export function advertiseAddress(
  bound: AddressInfo | string | null,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string | null {
  if (bound === null || typeof bound === "string") return null;
  let host = bound.address;
  if (host === "::" || host === "0.0.0.0" || host === "") host = firstExternalIPv4(interfaces);
  return `http://${host.includes(":") ? `[${host}]` : host}:${bound.port}`;
}

function firstExternalIPv4(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string {
  for (const name in interfaces)
    for (const info of interfaces[name] ?? [])
      if (!info.internal && (info.family === "IPv4" || (info.family as unknown) === 4))
        return info.address;
  return "127.0.0.1";
}

/**
 * @internal The host and port of an `http://host:port` address, or null for anything else (the
 * directory is trusted, but a link is only ever a plain HTTP connection to a host and a port).
 */
export function parseAddress(address: string): PeerEndpoint | null {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" || url.hostname === "" || url.username !== "") return null;
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: url.port === "" ? 80 : Number(url.port) };
}
