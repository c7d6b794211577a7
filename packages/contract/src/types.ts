/* eslint-disable @typescript-eslint/no-explicit-any -- event maps are built on `any`, as Socket.IO's are */
// The types a contract gives each end. A receiver's handlers get each schema's *output* (transforms and defaults
// applied); a sender passes the *input*, which is what travels. An event with an `ack` schema ends with the
// acknowledgement callback: the side that answers passes the ack's input, the side that asked gets its output.
import type { StandardSchemaV1 } from "@standard-schema/spec";

/** A schema of any Standard Schema library (zod ≥ 3.24, valibot ≥ 1, arktype ≥ 2, …). */
export type Schema = StandardSchemaV1;

/** One event: a schema per argument, and optionally one for the single value passed to the acknowledgement. */
export interface EventSchema {
  readonly args: readonly Schema[];
  readonly ack?: Schema;
}

/** The events of one direction, by name. */
export interface EventSchemas {
  readonly [event: string]: EventSchema;
}

/** What `defineContract()` takes. */
export interface ContractDefinition<
  C extends EventSchemas = EventSchemas,
  S extends EventSchemas = EventSchemas,
  Strict extends boolean = boolean,
> {
  /** Events the client emits and the server listens to. */
  readonly clientToServer?: C;
  /** Events the server emits and the client listens to. */
  readonly serverToClient?: S;
  /** `false` lets events outside the contract through, unvalidated. Default `true`. */
  readonly strict?: Strict;
}

type Outputs<A extends readonly Schema[]> = {
  -readonly [K in keyof A]: StandardSchemaV1.InferOutput<A[K] & Schema>;
};
type Inputs<A extends readonly Schema[]> = {
  -readonly [K in keyof A]: StandardSchemaV1.InferInput<A[K] & Schema>;
};

/** Listener types of the receiving end: outputs, and an ack callback taking the ack schema's input. */
export type ReceiverEvents<D extends EventSchemas> = {
  [E in keyof D & string]: (
    ...args: D[E] extends { readonly ack: infer A extends Schema }
      ? [...Outputs<D[E]["args"]>, ack: (response: StandardSchemaV1.InferInput<A>) => void]
      : Outputs<D[E]["args"]>
  ) => void;
};

/** Emit types of the sending end: inputs, and an ack callback receiving the ack schema's output. */
export type SenderEvents<D extends EventSchemas> = {
  [E in keyof D & string]: (
    ...args: D[E] extends { readonly ack: infer A extends Schema }
      ? [...Inputs<D[E]["args"]>, ack: (response: StandardSchemaV1.InferOutput<A>) => void]
      : Inputs<D[E]["args"]>
  ) => void;
};

/** The event maps of both ends, carried by a contract's type only (never set at run time). */
export interface ContractTypes<L, E> {
  readonly listen: L;
  readonly emit: E;
}

/** The event map of an end without contract types (Socket.IO's `DefaultEventsMap`). */
export interface UntypedEvents {
  [event: string]: (...args: any[]) => void;
}

/**
 * The event map of one end: the declared events, and with `strict: false` any other event too, untyped as
 * Socket.IO's `DefaultEventsMap` (`(...args: any[]) => void`). `UntypedEvents` comes first in the intersection so
 * that a declared event's listener type (an overload of both) resolves to the declared signature.
 */
export type OpenEvents<M, Strict extends boolean> = [Strict] extends [false]
  ? UntypedEvents & M
  : M;

type Side<K, End extends "~server" | "~client", Pick extends "listen" | "emit"> = K extends {
  readonly [P in End]?: infer T;
}
  ? NonNullable<T> extends ContractTypes<infer L, infer E>
    ? Pick extends "listen"
      ? L
      : E
    : UntypedEvents
  : UntypedEvents;

/** The event map a contract gives the server's listeners. */
export type ServerListenEvents<K> = Side<K, "~server", "listen">;
/** The event map a contract gives the server's emits. */
export type ServerEmitEvents<K> = Side<K, "~server", "emit">;
/** The event map a contract gives the client's listeners. */
export type ClientListenEvents<K> = Side<K, "~client", "listen">;
/** The event map a contract gives the client's emits. */
export type ClientEmitEvents<K> = Side<K, "~client", "emit">;
