// `@switchboard/admin/internal`: constants and classes the admin modules share, for its tests and tools.
// Not a public API: no semver promise; applications import `@switchboard/admin`.
export { Store } from "./stores.js";
export { InstrumentationStream } from "./stream/index.js";
export { REDACTED, isSensitiveKey } from "./serialize.js";
export { DEFAULT_EVENT_LOG_RATE } from "./event-log.js";
export { AggregatedEventType, Feature, STATS_INTERVAL_MS } from "./protocol.js";
export { DASHBOARD_OPTIONS_ERROR } from "./dashboard/errors.js";
