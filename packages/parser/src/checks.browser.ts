// Browser production build of checks.ts: developer checks compiled out (see checks.ts and the README).
export const CHECKS: boolean = false;
