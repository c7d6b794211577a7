import type { OutgoingHttpHeaders } from "node:http";

// `ws` hands the 101 response as header lines; the `headers` / `initial_headers` events (§1.9)
// expose them as an object the application may change, as for polling responses.

/** @internal Header lines after the status line → an object. */
export function headersFromLines(lines: readonly string[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** @internal Replaces the header lines (keeping the status line) with the object's entries. */
export function writeHeaderLines(lines: string[], headers: OutgoingHttpHeaders): void {
  lines.length = 1;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) lines.push(`${name}: ${v}`);
    else lines.push(`${name}: ${String(value)}`);
  }
}
