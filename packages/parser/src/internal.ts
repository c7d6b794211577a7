// Internals shared with @switchboard/client (not public API: no stability promise). See packet-type-codes.ts.
export {
  CONNECT,
  DISCONNECT,
  EVENT,
  ACK,
  CONNECT_ERROR,
  BINARY_EVENT,
  BINARY_ACK,
} from "./packet-type-codes.js";
