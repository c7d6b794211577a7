// One import for the conformance tests: server harness, raw HTTP and raw WebSocket helpers.
export * from "./server-harness.js";
export * from "./http-client.js";
export * from "./ws-client.js";
export {
  impls,
  reference,
  switchboard,
  type Impl,
  type EngineSocket,
  type EngineServer,
} from "./impls.js";
