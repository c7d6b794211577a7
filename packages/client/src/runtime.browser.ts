// Browser bundles only (see runtime.ts): Node-only code is compiled out.
export const NODE: boolean = false;
