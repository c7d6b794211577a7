/** Types for the benchmark app (app.mjs), used by the tests. */
export declare function installApp(io: unknown): { count: () => number };
export declare const SERVER_OPTIONS: {
  serveClient: false;
  perMessageDeflate: false;
  httpCompression: false;
};
