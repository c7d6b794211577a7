/** Where the page's contract bundle is written (public/vendor/contract.js). */
export declare const OUTPUT: string;
/** The bundle's text, built from src/contract.ts (nothing written). */
export declare function bundlePageContract(): Promise<string>;
