// The instrumentation stream: diagnostics-channel subscribers, one stream per server.
export { acquireStream } from "./acquire.js";
export {
  InstrumentationStream,
  type Direction,
  type InstrumentationEvents,
  type EventCapture,
} from "./stream.js";
export type { TrafficCounters } from "./traffic.js";
