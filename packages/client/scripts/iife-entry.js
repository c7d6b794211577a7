// The IIFE's global `io` is the lookup function itself (with io.Manager, io.Socket, io.connect attached).
// `@switchboard/client` resolves through its `exports` (scripts/bundle.mjs reads the TypeScript sources for the
// minified builds).
export { default } from "@switchboard/client";
