// Stands in for the `debug` package in the minified bundles: every logger is a no-op, and the bundler's
// `manualPureFunctions: ["log", "debug"]` then drops the call sites with their message strings.
export default function createDebug() {
  return function log() {};
}
