// The IIFE's global `io` is the lookup function itself (with io.Manager, io.Socket, io.connect attached).
// `@switchboard/client` is aliased by scripts/bundle.mjs to dist/ or to the TypeScript sources.
export { default } from "@switchboard/client";
