// The ESM bundle exports what the package exports (`@switchboard/client`, resolved by scripts/bundle.mjs).
export * from "@switchboard/client";
export { default } from "@switchboard/client";
