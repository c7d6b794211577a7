// Build-time switch for code that only matters on Node (`ws`'s terminate and per-message compression, Buffer
// conversion, `autoUnref`), shared with @switchboard/client. Bundlers that target browsers pick
// runtime.browser.ts through the `browser` condition (package.json `imports`/`exports`), where it is `false`, and
// drop the code behind it. Everywhere else it is `true`, and that code stays guarded by its own runtime checks.
export const NODE: boolean = true;
// Checks of programming errors (contradicting options) that browser builds leave out, as production builds of
// UI libraries leave out their development warnings; `false` in runtime.browser.ts.
export const CHECKS: boolean = true;
