// The dashboard's files as in-memory HTTP entries: body, content type, strong ETag, and compressed variants made
// once on first use. The page's sources live in `ui/` and are bundled into `assets.generated.ts`
// (`npm run build:ui -w @switchboard/admin`), so the package needs no file system access at run time.
import { createHash } from "node:crypto";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { UI_FILES } from "./assets.generated.js";

/** One file the dashboard serves. */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
  /** Strong ETag: a hash of the body (so a new page version is never served from a stale cache). */
  readonly etag: string;
  /** Compressed bodies, computed on first request; null when compression does not pay. */
  encoded(encoding: "br" | "gzip"): Buffer | null;
}

/** What the HTML page needs to know about the server it talks to. */
export interface PageConfig {
  /** URL path the dashboard lives under, without a trailing slash ("" for the root). */
  base: string;
  /** The admin namespace the page connects to. */
  namespaceName: string;
  /** The Socket.IO server's `path` (the client bundle is served under it). */
  socketPath: string;
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
};

/** Smaller bodies are sent as they are: compressing them saves nothing worth the CPU. */
const MIN_COMPRESS = 1024;

/** Escape a value for an HTML attribute or text (the config goes into the page's markup, never into a script). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML page with its placeholders replaced by the escaped configuration. */
export function renderIndex(config: PageConfig): string {
  const values: Record<string, string> = {
    BASE: escapeHtml(config.base),
    NAMESPACE: escapeHtml(config.namespaceName),
    SOCKET_PATH: escapeHtml(config.socketPath),
  };
  return UI_FILES["index.html"].replace(
    /%(BASE|NAMESPACE|SOCKET_PATH)%/g,
    (_m, key: string) => values[key] ?? "",
  );
}

function asset(name: string, text: string): Asset {
  const body = Buffer.from(text, "utf8");
  const ext = name.slice(name.lastIndexOf(".") + 1);
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  const cache = new Map<string, Buffer | null>();
  return {
    type: TYPES[ext] ?? "application/octet-stream",
    body,
    etag,
    encoded(encoding) {
      let value = cache.get(encoding);
      if (value === undefined) {
        value =
          body.length < MIN_COMPRESS
            ? null
            : encoding === "br"
              ? brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } })
              : gzipSync(body, { level: 9 });
        cache.set(encoding, value);
      }
      return value;
    },
  };
}

/** Every file of the dashboard, keyed by its name relative to the dashboard's base path. */
export function buildAssets(config: PageConfig): Map<string, Asset> {
  const files = new Map<string, Asset>();
  const index = asset("index.html", renderIndex(config));
  files.set("", index);
  files.set("/", index);
  files.set("/index.html", index);
  for (const name of ["app.js", "style.css", "favicon.svg"] as const)
    files.set(`/${name}`, asset(name, UI_FILES[name]));
  return files;
}
