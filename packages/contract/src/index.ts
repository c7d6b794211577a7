// Public API of @switchboard/contract: typed and validated events with Standard Schema, for both ends.
export {
  defineContract,
  isContract,
  type AckCallback,
  type AnyContract,
  type ClientContractOptions,
  type EmitFlags,
  type Contract,
  type ContractRuntime,
  type Direction,
} from "./contract.js";
export {
  ContractError,
  ContractErrorCode,
  ContractValidationError,
  type ContractValidationCode,
} from "./errors.js";
export { MAX_ISSUES, MAX_PATH_DEPTH, MAX_TEXT, type ContractIssue } from "./issues.js";
export { inOrder } from "./order.js";
export type { AckResult, Verdict } from "./validate.js";
export {
  toAsyncAPI,
  toJsonSchema,
  type AsyncAPIDocument,
  type AsyncAPIOptions,
  type AsyncAPIServer,
} from "./asyncapi.js";
export type {
  ClientEmitEvents,
  ClientListenEvents,
  ContractDefinition,
  ContractTypes,
  EventSchema,
  EventSchemas,
  OpenEvents,
  ReceiverEvents,
  Schema,
  SenderEvents,
  ServerEmitEvents,
  UntypedEvents,
  ServerListenEvents,
} from "./types.js";
