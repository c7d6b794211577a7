// Build-time switch for code that only matters on Node (`autoUnref`). The browser bundles pick
// runtime.browser.ts, where it is `false`, and the bundler drops the code behind it; elsewhere it is `true`
// and that code stays guarded by its own runtime checks (same switch as @switchboard/engine-client's).
export const NODE: boolean = true;
