/* eslint-disable @typescript-eslint/no-explicit-any -- see event-map.ts: these mirror socket.io's public types. */
import type { EventNames, EventsMap, IfAny, Last, MultiplyArray } from "./event-map.js";

/** The last parameter of the listener of `K` (its ack callback when it has one). */
type LastParam<Map extends EventsMap, K extends EventNames<Map>> = Last<Parameters<Map[K]>>;

/** Parameters of the ack callback of `K`, `never` without one. */
type AckParams<Map extends EventsMap, K extends EventNames<Map>> =
  LastParam<Map, K> extends (...args: infer P) => any ? P : never;

type HasNoParams<Map extends EventsMap, K extends EventNames<Map>> =
  Parameters<Map[K]> extends never[] ? true : false;

type EndsWithFunction<Map extends EventsMap, K extends EventNames<Map>> =
  LastParam<Map, K> extends (...args: any[]) => any ? true : false;

/**
 * Names of the events whose listener takes an acknowledgement callback as last parameter.
 * With an `any` map (or listener) every name qualifies, as in socket.io.
 *
 * @example
 * interface E { a: (cb: (n: number) => void) => void; b: (x: string) => void }
 * type T = EventNamesWithAck<E>; // "a"
 */
export type EventNamesWithAck<
  Map extends EventsMap,
  K extends EventNames<Map> = EventNames<Map>,
> = IfAny<
  LastParam<Map, K> | Map[K],
  K,
  K extends (
    HasNoParams<Map, K> extends true ? never : EndsWithFunction<Map, K> extends true ? K : never
  )
    ? K
    : never
>;

/** Names of the events without an acknowledgement callback (what a broadcast may emit). */
export type EventNamesWithoutAck<
  Map extends EventsMap,
  K extends EventNames<Map> = EventNames<Map>,
> = IfAny<
  LastParam<Map, K> | Map[K],
  K,
  K extends (HasNoParams<Map, K> extends true ? K : never)
    ? K
    : K extends (EndsWithFunction<Map, K> extends true ? never : K)
      ? K
      : never
>;

/**
 * The events map restricted to events without an acknowledgement callback. Keys are filtered one by one, so a
 * map with an index signature keeps its declared events as declared (contracts with `strict: false`, issue #17).
 */
export type RemoveAcknowledgements<E extends EventsMap> = {
  [K in keyof E as K extends EventNamesWithoutAck<E> ? K : never]: E[K];
};

/** The events map restricted to events with an acknowledgement callback (Switchboard addition). */
export type EventsWithAck<E extends EventsMap> = { [K in EventNamesWithAck<E>]: E[K] };

/** Names of ack events whose callback already starts with an `Error` (usable with `timeout().emitWithAck`). */
export type EventNamesWithError<
  Map extends EventsMap,
  K extends EventNamesWithAck<Map> = EventNamesWithAck<Map>,
> = IfAny<
  LastParam<Map, K> | Map[K],
  K,
  K extends (AckParams<Map, K>[0] extends Error ? K : never) ? K : never
>;

/** Each function argument gets a leading `err: Error`, unless it already has one (the `timeout()` flag). */
type PrependTimeoutError<T extends any[]> = {
  [K in keyof T]: T[K] extends (...args: infer P) => infer R
    ? P[0] extends Error
      ? T[K]
      : (err: Error, ...args: P) => R
    : T[K];
};

/** Keeps the first element of a tuple with its label (`[a: X, b: Y]` gives `[a: X]`). */
type FirstWithLabel<T extends any[]> = T extends [any, ...infer Rest]
  ? T extends [...infer Head, ...Rest]
    ? Head
    : never
  : never;

/** Ack callbacks receive an array of responses (one per client) for their first non-error value only. */
type ExpectMultipleResponses<T extends any[]> = {
  [K in keyof T]: T[K] extends (...args: infer P) => infer R
    ? P extends [Error]
      ? (err: Error) => R
      : P extends [Error, ...infer Rest]
        ? (err: Error, ...args: FirstWithLabel<MultiplyArray<Rest>>) => R
        : P extends []
          ? () => R
          : (...args: FirstWithLabel<MultiplyArray<P>>) => R
    : T[K];
};

/**
 * The events map as seen through `timeout(ms)`: every ack callback gets a leading `err: Error`.
 *
 * @example
 * interface E { ask: (q: string, cb: (answer: number) => void) => void }
 * type T = DecorateAcknowledgements<E>["ask"]; // (q: string, cb: (err: Error, answer: number) => void) => void
 */
export type DecorateAcknowledgements<E> = {
  [K in keyof E]: E[K] extends (...args: infer P) => infer R
    ? (...args: PrependTimeoutError<P>) => R
    : E[K];
};

/** The events map as seen by a broadcast with `timeout(ms)`: `(err, responses[])` ack callbacks. */
export type DecorateAcknowledgementsWithTimeoutAndMultipleResponses<E> = {
  [K in keyof E]: E[K] extends (...args: infer P) => infer R
    ? (...args: ExpectMultipleResponses<PrependTimeoutError<P>>) => R
    : E[K];
};

/** The events map as seen by a broadcast: ack callbacks receive one response per client. */
export type DecorateAcknowledgementsWithMultipleResponses<E> = {
  [K in keyof E]: E[K] extends (...args: infer P) => infer R
    ? (...args: ExpectMultipleResponses<P>) => R
    : E[K];
};
