// The ESM bundle exports what the package exports (`@switchboard/client`, resolved by scripts/bundle.mjs), except the
// contract API re-exported from `@switchboard/contract` (`defineContract`, `ContractValidationError`, issue #17): a page
// that uses contracts imports it from that package, and the validators stay out of the bundle for pages that do not.
// test/contract/esm-entry.test.ts checks that this list is every other export of the package.
export {
  default,
  io,
  connect,
  Manager,
  Socket,
  Backoff,
  ClientError,
  ConnectError,
  ErrorCode,
  protocol,
  Fetch,
  NodeXHR,
  XHR,
  NodeWebSocket,
  WebSocket,
} from "@switchboard/client";
