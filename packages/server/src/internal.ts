// `@switchboard/server/internal`: classes the server uses between its own modules, for Switchboard's packages and
// tests. Not a public API: no semver promise; applications import `@switchboard/server`.
export { Client } from "./client.js";
export { ParentNamespace } from "./parent-namespace.js";
