// Checks of programming errors (what the calling code passes, never what a peer sends), which browser production
// builds leave out, as production builds of UI libraries leave out their development warnings: checks.browser.ts
// (`#checks` under the `browser` condition without `development`) sets it `false`, and bundlers drop the checks.
// Node, the `development` condition (Vite's dev server) and everything else keep them.
export const CHECKS: boolean = true;
