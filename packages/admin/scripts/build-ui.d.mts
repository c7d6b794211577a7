/** Path of the generated module. */
export declare const GENERATED: string;
/** The page's files (index.html template, app.js, style.css, favicon.svg), keyed by name. */
export declare function bundleUi(): Promise<
  Record<"index.html" | "app.js" | "style.css" | "favicon.svg", string>
>;
/** The generated module's source for these files. */
export declare function renderModule(files: Record<string, string>): string;
