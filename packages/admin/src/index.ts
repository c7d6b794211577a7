// Public API of @switchboard/admin. The first three names are @socket.io/admin-ui's, so swapping the
// import is the whole migration.
export { instrument, type InstrumentOptions, type Instrumentation } from "./instrument.js";
export {
  InMemoryStore,
  RedisStore,
  type Store,
  type RedisLikeClient,
  type RedisStoreOptions,
} from "./stores.js";
export type { BasicAuthentication } from "./auth.js";
export { AdminError, AdminErrorCode } from "./errors.js";
export { metrics, type MetricsOptions, type ServerMetrics } from "./metrics/metrics.js";
export { Counter, Gauge, Histogram, Registry, type SeriesHandle } from "./metrics/registry.js";
export {
  acquireStream,
  type InstrumentationStream,
  type Direction,
  type EventCapture,
  type InstrumentationEvents,
} from "./stream/index.js";
export type * from "./protocol.js";
export {
  serveDashboard,
  createDashboardHandler,
  type DashboardOptions,
  type DashboardHandler,
  type DashboardServing,
} from "./dashboard/serve.js";
export { DashboardOptionsError } from "./dashboard/errors.js";
