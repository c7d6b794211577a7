// Contract validation of incoming events (issue #17), between the `socket.use` middlewares and the listeners.
// The contract runs the schemas (and writes their outputs over the arguments); this module answers failures the way
// the issue defines: the ack, when the event carries one, gets `{ error: { code, event, issues } }`, else the socket
// emits `"error"` with the ContractValidationError. Events of one socket reach the listeners in the order received,
// also when a schema is asynchronous (`inOrder`). Nothing here allocates for a valid event without an ack schema.
import {
  ContractValidationError,
  inOrder,
  type AckResult,
  type AnyContract,
  type Verdict,
} from "@switchboard/contract";
import createDebug from "debug";
import type { Ack } from "./socket-acks.js";

const debug = createDebug("socket.io:contract");

/** What validation needs of a socket. @internal */
export interface ContractHost {
  readonly nsp: { readonly _contract: AnyContract | undefined };
  _dispatch(args: unknown[], own: boolean): void;
  _onerror(err: Error): void;
}

/** @internal Validates `[event, ...args, ack?]` (an array nobody else holds), then dispatches or refuses it. */
export function validateEvent(socket: ContractHost, contract: AnyContract, args: unknown[]): void {
  inOrder(socket, args, contract.parse("clientToServer", args), settle);
}

function settle(key: object, args: unknown[], err: Verdict): void {
  const socket = key as ContractHost;
  const last = args.length - 1;
  const ack = typeof args[last] === "function" ? (args[last] as Ack) : undefined;
  if (err !== undefined) return refuse(socket, ack, err);
  const contract = socket.nsp._contract;
  const ev = args[0] as string;
  if (ack !== undefined && contract?.hasAck("clientToServer", ev) === true)
    args[last] = guardAck(socket, contract, ev, ack);
  process.nextTick(dispatch, socket, args);
}

function dispatch(socket: ContractHost, args: unknown[]): void {
  socket._dispatch(args, true);
}

function refuse(socket: ContractHost, ack: Ack | undefined, err: ContractValidationError): void {
  debug("refusing event: %s", err.code);
  if (ack !== undefined) ack(err.toAck());
  else process.nextTick(report, socket, err);
}

function report(socket: ContractHost, err: Error): void {
  socket._onerror(err);
}

/** The ack handed to listeners: the value passed to it is checked against the event's `ack` schema first. */
function guardAck(socket: ContractHost, contract: AnyContract, ev: string, ack: Ack): Ack {
  return (...values: unknown[]) => {
    const result = contract.parseAck("clientToServer", ev, values[0]);
    if (result instanceof Promise) void result.then((r) => answer(socket, ack, values, r));
    else answer(socket, ack, values, result);
  };
}

/** The wire carries what the handler passed (never the parsed output), or the error when it does not match. */
function answer(socket: ContractHost, ack: Ack, values: unknown[], result: AckResult): void {
  if (!(result instanceof ContractValidationError)) return ack(...values);
  debug("refusing an ack of %s: %s", result.event, result.code);
  ack(result.toAck());
  socket._onerror(result);
}

/**
 * Key of the function an `emitWithAck` without `timeout()` hands its callback: the callback has no error slot, so
 * an answer refused by the contract rejects the promise through it (a symbol: user callbacks may have any property).
 * @internal
 */
export const REFUSE: unique symbol = Symbol("refuse");

/** An ack callback that may carry {@link REFUSE}. @internal */
export type RefusableAck = Ack & { [REFUSE]?: (err: Error) => void };

/**
 * @internal The callback awaiting a client's answer to `socket.emit(ev, …, ack)`: with a contract whose event has
 * an `ack` schema, the answer is parsed first (the callback gets the output). A failing one is the error of a
 * `timeout()` (error-first) callback; without `timeout()`, it rejects `emitWithAck` ({@link REFUSE}), and for a plain
 * callback, which has no error slot, the socket emits `"error"` and the callback is not called.
 */
export function answerOf(
  socket: ContractHost,
  ev: string,
  ack: RefusableAck,
  timeout: number | undefined,
): Ack {
  const contract = socket.nsp._contract;
  if (contract === undefined || !contract.hasAck("serverToClient", ev)) return ack;
  const refuse = ack[REFUSE];
  return contract.answer(
    "serverToClient",
    ev,
    ack,
    timeout !== undefined,
    refuse ?? ((err) => socket._onerror(err)),
  );
}
