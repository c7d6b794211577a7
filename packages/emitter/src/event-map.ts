/* eslint-disable @typescript-eslint/no-explicit-any --
 * Socket.IO's public event-map types are built on `any`, and user code depends on that: an `interface` (no
 * index signature) is only assignable to an index signature whose value type is `any`, and an untyped
 * listener `(...args: any[]) => void` is the only one that accepts `(a: string) => void`. Replacing them with
 * `unknown` would break code written against socket.io's types, which this package must compile unchanged.
 */

/**
 * Maps event names to the type of their listener.
 *
 * @example
 * interface ServerToClientEvents {
 *   hello: (name: string) => void;
 * }
 */
export interface EventsMap {
  [event: string]: any;
}

/** The events map used when none is given: every event name, any arguments. */
export interface DefaultEventsMap {
  [event: string]: (...args: any[]) => void;
}

/** Union of the event names of an events map (string or symbol keys). */
export type EventNames<Map extends EventsMap> = keyof Map & (string | symbol);

/** Tuple of the arguments a listener of `Ev` receives. */
export type EventParams<Map extends EventsMap, Ev extends EventNames<Map>> = Parameters<Map[Ev]>;

/** Event names found either in the reserved events or in the user events. */
export type ReservedOrUserEventNames<
  ReservedEventsMap extends EventsMap,
  UserEvents extends EventsMap,
> = EventNames<ReservedEventsMap> | EventNames<UserEvents>;

/**
 * Listener type of `Ev`: the reserved listener when `Ev` is reserved, else the user one. When neither map
 * knows `Ev` (e.g. a generic `Ev` TypeScript cannot resolve yet) it falls back to an untyped listener, the
 * same escape hatch socket.io uses, so generic wrappers around `on()` keep compiling.
 */
export type ReservedOrUserListener<
  ReservedEvents extends EventsMap,
  UserEvents extends EventsMap,
  Ev extends ReservedOrUserEventNames<ReservedEvents, UserEvents>,
> = UntypedWhenNever<
  Ev extends EventNames<ReservedEvents>
    ? ReservedEvents[Ev]
    : Ev extends EventNames<UserEvents>
      ? UserEvents[Ev]
      : never
>;

type UntypedWhenNever<T> = [T] extends [never] ? (...args: any[]) => void | Promise<void> : T;

/** Something that exposes a strictly typed `emit` without being an emitter itself (broadcast operators). */
export interface TypedEventBroadcaster<EmitEvents extends EventsMap> {
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean;
}

/** `true` when `T` is `any` (`1 & any` is `any`, the only type `0` extends there). */
export type IsAny<T> = 0 extends 1 & T ? true : false;

/** `Then` when `T` is `any`, else `Else`. */
export type IfAny<T, Then = true, Else = false> = IsAny<T> extends true ? Then : Else;

/**
 * Last element of a tuple (`never` for `[]`; the element type for a plain array). Optional and rest
 * positions are walked one element at a time so `[a, ...b[]]` gives `b`.
 */
export type Last<T extends readonly unknown[]> = T extends readonly [infer Only]
  ? Only
  : T extends readonly [unknown, ...infer Rest]
    ? Last<Rest>
    : T extends readonly (infer Element)[]
      ? Element
      : never;

/** Every element of a tuple but the last (`any[]` when `T` is not a non-empty tuple). */
export type AllButLast<T extends any[]> = T extends [...infer Head, unknown] ? Head : any[];

/** Type of the single parameter of a one-argument function (`any` otherwise). */
export type FirstArg<T> = T extends (arg: infer Param) => unknown ? Param : any;

/** The first element of a tuple, or the second one when the first is an `Error` (ack callbacks with timeout). */
export type FirstNonErrorTuple<T extends unknown[]> = T[0] extends Error ? T[1] : T[0];

/** The first non-`Error` parameter of a function type (the value an ack resolves with). */
export type FirstNonErrorArg<T> = T extends (...args: infer Params) => any
  ? FirstNonErrorTuple<Params>
  : any;

/** Each element of a tuple turned into an array of it (one response per client for broadcast acks). */
export type MultiplyArray<T extends unknown[]> = { [K in keyof T]: T[K][] };
