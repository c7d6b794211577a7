// Browser builds (the `browser` condition, see runtime.ts): Node-only code and developer checks are compiled out.
export const NODE: boolean = false;
export const CHECKS: boolean = false;
