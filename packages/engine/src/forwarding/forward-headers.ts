// What a relay changes in the headers it passes on: hop-by-hop headers stay on their hop (RFC 9110
// §7.6.1), the client's address is appended to `x-forwarded-for`, and the hop marker is added.
// Headers are passed as flat `[name, value, …]` lists built from `rawHeaders` in one pass: Node writes
// such a list as it is (`http.request({ headers })`, `res.writeHead(status, list)`), where an object
// costs a validated `setHeader` per name and a second map.
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { HOP_HEADER } from "./sid-tag.js";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Headers named by `Connection` are hop-by-hop too. */
function connectionTokens(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const tokens = new Set<string>();
  for (const token of String(value).split(",")) tokens.add(token.trim().toLowerCase());
  return tokens;
}

/** @internal `x-forwarded-for` with the client's address appended. */
export function forwardedFor(req: IncomingMessage): string | undefined {
  const raw = req.headers["x-forwarded-for"];
  const prior = Array.isArray(raw) ? raw.join(", ") : raw;
  const client = req.socket?.remoteAddress;
  if (client === undefined) return prior;
  return prior === undefined || prior === "" ? client : `${prior}, ${client}`;
}

/**
 * @internal The headers of a request as the owner gets them, as a flat `[name, value, …]` list in the
 * client's order and spelling, then `x-forwarded-for` and the hop marker.
 */
export function requestHeaderList(req: IncomingMessage, hop: string): string[] {
  const out = copyEndToEnd(req.rawHeaders, "x-forwarded-for");
  const xff = forwardedFor(req);
  if (xff !== undefined) out.push("x-forwarded-for", xff);
  out.push(HOP_HEADER, hop);
  return out;
}

/** @internal `requestHeaderList` as an object with lower-case names (what the owner's `req.headers` holds). */
export function requestHeaders(req: IncomingMessage, hop: string): OutgoingHttpHeaders {
  const list = requestHeaderList(req, hop);
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i]!.toLowerCase();
    const prior = out[name];
    out[name] = prior === undefined ? list[i + 1]! : `${String(prior)}, ${list[i + 1]!}`;
  }
  return out;
}

/** @internal The headers of the owner's response as the client gets them, as a flat list. */
export function responseHeaderList(res: IncomingMessage): string[] {
  return copyEndToEnd(res.rawHeaders, null);
}

/** `Connection` values that name no header besides the hop-by-hop ones (nearly every request's). */
const PLAIN_CONNECTION = new Set([
  "keep-alive",
  "close",
  "upgrade",
  "Keep-Alive",
  "Close",
  "Upgrade",
]);

/** `raw` without hop-by-hop headers, the hop marker and `drop`. */
function copyEndToEnd(raw: readonly string[], drop: string | null): string[] {
  let named: string[] | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 10 || name.toLowerCase() !== "connection") continue;
    if (!PLAIN_CONNECTION.has(raw[i + 1]!)) (named ??= []).push(raw[i + 1]!);
  }
  const tokens = named === null ? null : connectionTokens(named);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || name === HOP_HEADER || name === drop) continue;
    if (tokens?.has(name) === true) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/**
 * @internal The request line and headers of an upgrade as the owner gets them, byte for byte from
 * `rawHeaders` (Node decodes them as latin1: write the result as latin1), ending with the blank line.
 */
export function upgradePreamble(req: IncomingMessage, hop: string): string {
  let text = `${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === "x-forwarded-for" || name === HOP_HEADER) continue;
    text += `${raw[i]!}: ${raw[i + 1]!}\r\n`;
  }
  const xff = forwardedFor(req);
  if (xff !== undefined) text += `x-forwarded-for: ${xff}\r\n`;
  return `${text}${HOP_HEADER}: ${hop}\r\n\r\n`;
}
