// Builds the browser bundles into dist/bundle/ (run after `tsc -b`): socket.io.js (IIFE, with debug logging),
// socket.io.min.js (IIFE, minified, logging compiled out), socket.io.esm.min.js (ESM, minified), each with a
// source map. Uses rolldown (installed with vite/vitest); esbuild would do the same job.
// The minified builds are bundled from the TypeScript sources of the client and the packages it bundles, so that
// the bundler inlines TS enums and `as const` codes (`PacketType.EVENT` → `2`); socket.io.js stays built from dist/.
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outDir = here("../dist/bundle");
const BUNDLED = ["client", "engine-client", "parser", "emitter", "engine-parser"];
const fromDist = { alias: { "@switchboard/client": here("../dist/index.js") } };
const fromSrc = {
  alias: {
    debug: here("./noop-debug.js"),
    ...Object.fromEntries(BUNDLED.map((p) => [`@switchboard/${p}`, here(`../../${p}/src/index.ts`)])),
  },
  // The sources import `./x.js` (module nodenext) for `./x.ts`.
  extensionAlias: { ".js": [".ts", ".js"] },
};
// Property names that never leave the bundle: protected/internal members and the parser's enum keys (TS enums
// and `as const` code tables that the client does not export). Public API, option names, wire/JSON keys and DOM
// properties must never be listed here; `quoted` also renames the enum's `E["KEY"]` definitions.
const INTERNAL_PROPS = [
  "emitReserved", "emitArgs", "emitUntyped",
  "ctx", "supportsBinary", "doOpen", "doClose", "onData", "onPacket", "onPayload", "onPollDone", "onPostDone",
  "onOpen", "onClose", "onError", "onHandshake", "onDrain", "onUnload", "setTransport", "setPriorWebsocketSuccess",
  "createTransport", "resetPingTimeout", "hasPingExpired", "sendPacket", "platform",
  "request", "jar", "wsBinaryType", "wsCompress", "pageHooks", "cookieJar",
  "destroySocket", "reconnecting", "packet", "register", "settle", "failSent", "enabled", "withError", "fromQueue",
  "tries", "pending",
  "CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK",
  "BAD_TYPE", "BAD_ATTACHMENTS", "TOO_MANY_ATTACHMENTS", "BAD_NAMESPACE", "BAD_ACK_ID", "INVALID_JSON",
  "INVALID_PAYLOAD", "UNEXPECTED_BINARY", "UNEXPECTED_TEXT", "BAD_PLACEHOLDER", "BAD_CHUNK",
  "POLL", "POST", "WEBSOCKET", "PROBE", "NO_TRANSPORTS",
];
const min = {
  minify: { mangleProps: { include: new RegExp(`^(${INTERNAL_PROPS.join("|")})$`), quoted: true } },
  sourcemap: true,
  // Pure annotations only matter to a later bundler; the ESM build is already tree-shaken and minified.
  comments: { legal: true, annotation: false, jsdoc: false },
};

const builds = [
  { resolve: fromDist, output: { file: `${outDir}/socket.io.js`, format: "iife", name: "io", exports: "default", sourcemap: true } },
  { resolve: fromSrc, output: { file: `${outDir}/socket.io.min.js`, format: "iife", name: "io", exports: "default", ...min } },
  { input: here("./esm-entry.js"), resolve: fromSrc, output: { file: `${outDir}/socket.io.esm.min.js`, format: "esm", ...min } },
];

for (const { input = here("./iife-entry.js"), resolve, output } of builds) {
  const minified = resolve === fromSrc;
  await build({
    input,
    platform: "browser",
    resolve,
    tsconfig: false,
    treeshake: { manualPureFunctions: minified ? ["log", "debug"] : [] },
    // Inline imported constants everywhere (enum members, error codes), then let the minifier fold them.
    optimization: minified ? { inlineConst: { mode: "all", pass: 3 } } : undefined,
    output,
    logLevel: "warn",
  });
}
console.log(`bundles written to ${outDir}`);
