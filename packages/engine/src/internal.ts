// `@switchboard/engine/internal`: pieces the engine shares with the Switchboard packages built on it
// (the Socket.IO server), so that they keep one copy. Not a public API: no semver promise.
export {
  DeadlineQueue,
  DeadlineNode,
  type DeadlineLink,
  type DeadlineQueueOptions,
} from "./deadline-queue.js";
export { defaultGenerateId as generateId } from "./ids.js";
export { PreEncodedPacket, preEncode } from "./pre-encoded.js";
export { createCors, type CorsOptions } from "./cors.js";
export { TokenBucketPolicy, checkBudget, type Bucket } from "./token-bucket.js";
export { MAX_CONFLATION_KEY_LENGTH, resolveBackpressure } from "./flow-control.js";
export { resolveHandshakeRate, resolveMaxConnections } from "./handshake-limits.js";
