// `@switchboard/adapter/internal`: helpers that Switchboard's server and adapters share, so each keeps one copy.
// Not a public API: no semver promise; applications and third-party adapters import `@switchboard/adapter`.
export { settle } from "./in-memory-adapter.js";
export { nextOffset } from "./offset.js";
export { droppedMessages } from "./cluster-adapter.js";
export {
  RecoveryLog,
  reachesLocal,
  recoveryFor,
  stamp,
  toLocalSocketOnly,
} from "./recovery-log.js";
