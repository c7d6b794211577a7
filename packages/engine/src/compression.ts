import { deflate, gzip, type ZlibOptions } from "node:zlib";

/** Content codings used for polling responses (docs/protocol.md §1.3, `httpCompression`). */
export type ContentCoding = "gzip" | "deflate";

/**
 * Picks the coding for an `Accept-Encoding` header: gzip first, then deflate, honouring `q=0`
 * and `*`. Returns null when neither is acceptable.
 * @example chooseCoding("deflate, gzip;q=0.5") // "gzip"
 */
export function chooseCoding(acceptEncoding: string | undefined): ContentCoding | null {
  if (!acceptEncoding) return null;
  let gzipQ = -1;
  let deflateQ = -1;
  let anyQ = -1;
  for (const part of acceptEncoding.split(",")) {
    const semi = part.indexOf(";");
    const name = (semi === -1 ? part : part.slice(0, semi)).trim().toLowerCase();
    let q = 1;
    if (semi !== -1) {
      const m = /q\s*=\s*([0-9.]+)/i.exec(part.slice(semi + 1));
      if (m) q = Number(m[1]);
    }
    if (name === "gzip" || name === "x-gzip") gzipQ = q;
    else if (name === "deflate") deflateQ = q;
    else if (name === "*") anyQ = q;
  }
  if (gzipQ === -1) gzipQ = anyQ;
  if (deflateQ === -1) deflateQ = anyQ;
  if (gzipQ > 0 && gzipQ >= deflateQ) return "gzip";
  if (deflateQ > 0) return "deflate";
  return null;
}

/** Compresses a body asynchronously on the libuv pool. */
export function compress(
  body: Buffer,
  coding: ContentCoding,
  options: ZlibOptions,
  cb: (err: Error | null, result: Buffer) => void,
): void {
  if (coding === "gzip") gzip(body, options, cb);
  else deflate(body, options, cb);
}
