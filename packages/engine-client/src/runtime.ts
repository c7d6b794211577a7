// Build-time switch for code that only matters on Node (`ws`'s terminate and per-message compression, Buffer
// conversion, `autoUnref`). The client's browser bundles pick runtime.browser.ts, where it is `false`, and the
// bundler drops the code behind it. Everywhere else (Node, and bundlers that take dist/) it is `true`, and that
// code stays guarded by its own runtime checks, so it is harmless in browsers.
export const NODE: boolean = true;
// Checks of programming errors (contradicting options) that the minified browser bundles leave out, as production
// builds of UI libraries leave out their development warnings; `false` in runtime.browser.ts.
export const CHECKS: boolean = true;
