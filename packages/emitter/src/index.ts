export { Emitter } from "./emitter.js";
export { EmitterBase } from "#emitter-base";
export { on, type Subscribable } from "./subscribe.js";
export type { EventName, Listener } from "./listener.js";
export type {
  AllButLast,
  DefaultEventsMap,
  EventNames,
  EventParams,
  EventsMap,
  FirstArg,
  FirstNonErrorArg,
  FirstNonErrorTuple,
  IfAny,
  IsAny,
  Last,
  MultiplyArray,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
  TypedEventBroadcaster,
} from "./event-map.js";
export type {
  DecorateAcknowledgements,
  DecorateAcknowledgementsWithMultipleResponses,
  DecorateAcknowledgementsWithTimeoutAndMultipleResponses,
  EventNamesWithAck,
  EventNamesWithError,
  EventNamesWithoutAck,
  EventsWithAck,
  RemoveAcknowledgements,
} from "./ack-types.js";
