// Builds the browser bundles into dist/bundle/ (run after `tsc -b`): socket.io.js (IIFE, with debug logging),
// socket.io.min.js (IIFE, minified, logging compiled out), socket.io.esm.min.js (ESM, minified), each with a
// source map. Uses rolldown (installed with vite/vitest); esbuild would do the same job.
// Files are chosen the way any bundler chooses them for a page: by the packages' `exports`/`imports` conditions
// (`browser`: base64, utf8, the emitter, the packet parser and placeholder pass, decode errors, and the runtime and
// checks flags, whose `NODE = false` and `CHECKS = false` drop Node-only code and developer checks; `development` for
// the debug build only, which keeps `debug` and the checks). The minified builds then read the TypeScript source of
// each chosen dist/ file (the mapping tsc applies), so that the bundler inlines TS enums and `as const` codes;
// socket.io.js stays built from dist/.
// socket.io.msgpack.min.js (IIFE, minified) is socket.io.min.js with `@switchboard/parser` swapped for
// `@switchboard/parser/msgpack` (the `msgpackParser` plugin), so its default parser speaks socket.io-msgpack-parser's
// wire format and the text parser is not in the file.
// See the README.
import { fileURLToPath } from "node:url";
import { build } from "rolldown";
import { minify } from "terser";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outDir = here("../dist/bundle");
const BROWSER = ["browser", "import", "default"];
const fromDist = { conditionNames: ["development", ...BROWSER] };
const fromSrc = {
  conditionNames: BROWSER,
  // The sources import `./x.js` (module nodenext) for `./x.ts`.
  extensionAlias: { ".js": [".ts", ".js"] },
};
// packages/<p>/dist/<x>.js → packages/<p>/src/<x>.ts, after the conditions picked <x>: tsc's own mapping.
const sources = {
  name: "sources",
  async resolveId(source, importer, opts) {
    const hit = await this.resolve(source, importer, { ...opts, skipSelf: true });
    const m = hit && !hit.external && /^(.*\/packages\/[^/]+\/)dist\/(.+)\.js$/.exec(hit.id);
    return m ? `${m[1]}src/${m[2]}.ts` : hit;
  },
};
// Property names that never leave the bundle: protected/internal members and the parser's enum keys (TS enums
// and `as const` code tables that the client does not export). Public API, option names, wire/JSON keys and DOM
// properties must never be listed here; `quoted` also renames the enum's `E["KEY"]` definitions.
const INTERNAL_PROPS = [
  "emitReserved",
  "emitArgs",
  "emitUntyped",
  "ctx",
  "doOpen",
  "doClose",
  "onData",
  "onPacket",
  "onOpen",
  "onClose",
  "onError",
  "setTransport",
  "hasPingExpired",
  "request",
  "jar",
  "wsBinaryType",
  "wsCompress",
  "pageHooks",
  "cookieJar",
  "destroySocket",
  "reconnecting",
  "packet",
  "fromQueue",
  "withError",
  "acks",
  "_queue",
  "_pingTimeoutTime",
  "drain",
  "timer",
  "fn",
  "source",
  "listener",
  "onpacket",
  "poll",
  "openWebSocket",
  "flags",
  "nsps",
  "upgrading",
  "CONNECT",
  "DISCONNECT",
  "EVENT",
  "ACK",
  "CONNECT_ERROR",
  "BINARY_EVENT",
  "BINARY_ACK",
  "BAD_TYPE",
  "BAD_ATTACHMENTS",
  "TOO_MANY_ATTACHMENTS",
  "BAD_NAMESPACE",
  "BAD_ACK_ID",
  "INVALID_JSON",
  "INVALID_PAYLOAD",
  "UNEXPECTED_BINARY",
  "UNEXPECTED_TEXT",
  "BAD_PLACEHOLDER",
  "BAD_CHUNK",
  "POLL",
  "POST",
  "WEBSOCKET",
  "PROBE",
  "NO_TRANSPORTS",
];
// The IIFE exposes only `io` (with io.Manager, io.Socket): there the client's ErrorCode table and the Backoff
// (a private member of the Manager) are internal too. (`min`/`max` stay: `Math.min`/`Math.max` share the name.)
const IIFE_ONLY_PROPS = [
  "CONNECT_REFUSED",
  "CONNECT_TIMEOUT",
  "CONNECT_CLOSED",
  "ACK_TIMEOUT",
  "DISCONNECTED",
  "RESERVED_EVENT",
  "BAD_CONNECT",
  "jitter",
  "factor",
  "attempts",
  "duration",
  "reset",
];
// A terser pass on each rendered chunk, before rolldown's own minifier (which then renames INTERNAL_PROPS and
// mangles): terser's extra compress passes fold what rolldown leaves (about −180 B gzip on the IIFE). Not
// `unsafe`: it saves 8 B more but turns `String(x)` into `"" + x`, which throws for a Symbol and prefers `valueOf`
// (e.g. a user's query value). `toplevel` only for ESM: the IIFE's one top-level name is the global `io`, which
// must survive. rolldown chains the returned map onto its own, so the source maps still point at the TS sources.
const terser = (esm) => ({
  name: "terser",
  async renderChunk(code) {
    const out = await minify(code, {
      module: esm,
      compress: { passes: 3, pure_getters: true, toplevel: esm },
      mangle: { toplevel: esm },
      format: { comments: "some" },
      sourceMap: true,
    });
    return { code: out.code ?? "", map: /** @type {string} */ (out.map) };
  },
});
// The msgpack bundle: every import of the packet parser gets the msgpack one (same exports the client uses).
const msgpackParser = {
  name: "msgpack-parser",
  resolveId(source, importer, opts) {
    return source === "@switchboard/parser"
      ? this.resolve("@switchboard/parser/msgpack", importer, { ...opts, skipSelf: true })
      : null;
  },
};
const min = (props) => ({
  minify: { mangleProps: { include: new RegExp(`^(${props.join("|")})$`), quoted: true } },
  sourcemap: true,
  // Pure annotations only matter to a later bundler; the ESM build is already tree-shaken and minified.
  comments: { legal: true, annotation: false, jsdoc: false },
});

const builds = [
  {
    resolve: fromDist,
    output: {
      file: `${outDir}/socket.io.js`,
      format: "iife",
      name: "io",
      exports: "default",
      sourcemap: true,
    },
  },
  {
    resolve: fromSrc,
    output: {
      file: `${outDir}/socket.io.min.js`,
      format: "iife",
      name: "io",
      exports: "default",
      ...min([...INTERNAL_PROPS, ...IIFE_ONLY_PROPS]),
    },
  },
  {
    resolve: fromSrc,
    extra: [msgpackParser],
    output: {
      file: `${outDir}/socket.io.msgpack.min.js`,
      format: "iife",
      name: "io",
      exports: "default",
      ...min([...INTERNAL_PROPS, ...IIFE_ONLY_PROPS]),
    },
  },
  {
    input: here("./esm-entry.js"),
    resolve: fromSrc,
    output: { file: `${outDir}/socket.io.esm.min.js`, format: "esm", ...min(INTERNAL_PROPS) },
  },
];

for (const { input = here("./iife-entry.js"), resolve, extra = [], output } of builds) {
  const minified = resolve === fromSrc;
  await build({
    input,
    plugins: minified ? [...extra, sources, terser(output.format === "esm")] : [],
    platform: "browser",
    resolve,
    tsconfig: false,
    // No getter of ours is read for its side effect.
    treeshake: minified ? { propertyReadSideEffects: false } : {},
    // Inline imported constants everywhere (enum members, error codes), then let the minifier fold them.
    optimization: minified ? { inlineConst: { mode: "all", pass: 3 } } : undefined,
    output,
    logLevel: "warn",
    checks: { pluginTimings: false },
  });
}
console.log(`bundles written to ${outDir}`);
