// Reads just enough of an HTTP/1.x request to route it: the bytes up to the blank line that ends the
// head, the request line, and the `sid` query parameter. The worker's own HTTP parser does the real
// parsing later; this only has to be strict enough to refuse garbage before a worker sees it.

const CRLFCRLF = Buffer.from("\r\n\r\n");
// method SP request-target SP HTTP-version (RFC 9112 §3); the target must not contain spaces.
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/;

/** The routing facts of one request head. */
export interface RequestHead {
  method: string;
  target: string;
  /** The Engine.IO session id from the query string, when there is one. */
  sid: string | undefined;
}

/** Why a head could not be read; each maps to the status the primary answers with. */
export type HeadProblem = "too-large" | "bad-request";

export type HeadResult =
  | { state: "partial" }
  | { state: "complete"; head: RequestHead; bytes: Buffer }
  | { state: "error"; problem: HeadProblem };

/**
 * Accumulates chunks until the request head is complete.
 * @example
 * const reader = new HeadReader(16 * 1024);
 * socket.on("data", (chunk) => {
 *   const r = reader.push(chunk);
 *   if (r.state === "complete") route(r.head.sid, r.bytes);
 * });
 */
export class HeadReader {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #length = 0;
  #done = false;

  /** @param limit the largest head accepted, in bytes (the blank line included). */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Adds a chunk; once a result other than "partial" was returned, further chunks are ignored. */
  push(chunk: Buffer): HeadResult {
    if (this.#done) return { state: "partial" };
    // Search only the new bytes plus the 3 before them: the terminator may straddle two chunks.
    const from = Math.max(0, this.#length - 3);
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    const all = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#length);
    this.#chunks = [all];
    const end = all.indexOf(CRLFCRLF, from);
    if (end === -1) {
      if (this.#length > this.#limit) return this.#finish({ state: "error", problem: "too-large" });
      return { state: "partial" };
    }
    if (end + 4 > this.#limit) return this.#finish({ state: "error", problem: "too-large" });
    const head = parseHead(all.subarray(0, end));
    if (head === undefined) return this.#finish({ state: "error", problem: "bad-request" });
    return this.#finish({ state: "complete", head, bytes: all });
  }

  /** Bytes held so far (for the caller's own accounting). */
  get length(): number {
    return this.#length;
  }

  #finish(result: HeadResult): HeadResult {
    this.#done = true;
    this.#chunks = [];
    return result;
  }
}

/** Parses the request line of `head` (headers are left to the worker); undefined when it is not HTTP/1.x. */
export function parseHead(head: Buffer): RequestHead | undefined {
  // Robustness (RFC 9112 §2.2): ignore empty lines before the request line.
  let start = 0;
  while (head[start] === 0x0d && head[start + 1] === 0x0a) start += 2;
  let lineEnd = head.indexOf("\r\n", start);
  if (lineEnd === -1) lineEnd = head.length;
  // latin1 keeps one byte per character, so non-ASCII garbage cannot sneak past the pattern as UTF-8.
  const line = head.toString("latin1", start, lineEnd);
  const match = REQUEST_LINE.exec(line);
  if (!match) return undefined;
  const method = match[1]!;
  const target = match[2]!;
  return { method, target, sid: sidOf(target) };
}

/** The `sid` query parameter of a request target (first occurrence), or undefined. */
export function sidOf(target: string): string | undefined {
  const q = target.indexOf("?");
  if (q === -1) return undefined;
  const hash = target.indexOf("#", q);
  // URLSearchParams never throws: malformed percent escapes are kept as they are.
  const sid = new URLSearchParams(target.slice(q + 1, hash === -1 ? undefined : hash)).get("sid");
  return sid === null || sid === "" ? undefined : sid;
}
