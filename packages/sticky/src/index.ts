// @switchboard/sticky: sticky routing of Engine.IO sessions across Node `cluster` workers
// (the twin of @socket.io/sticky).
export {
  setupPrimary,
  setupPrimary as setupMaster,
  type PrimaryOptions,
  type StickyPrimary,
} from "./primary.js";
export {
  setupWorker,
  type StickyIO,
  type StickyEngineSocket,
  type StickyWorker,
} from "./worker.js";
export { LoadBalancingMethods, type LoadBalancingMethod } from "./balancer.js";
export { StickyError, StickyErrorCode, StickyErrorCodes } from "./errors.js";
