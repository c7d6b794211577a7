// Incoming events of a socket after decoding: the event middlewares (`socket.use`), then contract validation
// (contract-dispatch.ts) when the namespace has a contract, then the listeners. As in
// socket.io, listeners run on the next tick, so a DISCONNECT decoded from the same payload (or batch of frames)
// is handled first and the event is then dropped as received after disconnection.
import type { AnyContract } from "@switchboard/contract";
import { validateEvent } from "./contract-dispatch.js";
import { runChain, type ChainFn } from "./middleware.js";
import { toError } from "./socket-acks.js";
import type { Event } from "./typed-events.js";

/** What dispatching needs of a socket. @internal */
export interface DispatchHost {
  readonly nsp: { readonly _contract: AnyContract | undefined };
  /** Emit `[event, ...args]` to the listeners unless the socket left; `own`: the array may be consumed. */
  _dispatch(args: unknown[], own: boolean): void;
  _onerror(err: Error): void;
}

/**
 * @internal `[event, ...args]` received by `socket`. Without middlewares nobody else holds `args`, so dispatch
 * may consume it; a middleware may keep the array it was given, so then it is left as received.
 */
export function receiveEvent(
  socket: DispatchHost,
  args: unknown[],
  fns: ChainFn<Event>[] | undefined,
): void {
  // The only per-event cost of contracts when a namespace has none: this read (issue #17).
  const contract = socket.nsp._contract;
  if (fns === undefined) {
    if (contract === undefined) process.nextTick(dispatch, socket, args, true);
    else validateEvent(socket, contract, args);
    return;
  }
  runChain(fns, socket, args as Event, (err) => {
    if (err !== undefined) process.nextTick(report, socket, toError(err));
    else if (contract === undefined) process.nextTick(dispatch, socket, args, false);
    // Outputs replace the arguments: on a copy, since a middleware may keep the array it was given.
    else validateEvent(socket, contract, args.slice());
  });
}

function dispatch(socket: DispatchHost, args: unknown[], own: boolean): void {
  socket._dispatch(args, own);
}

function report(socket: DispatchHost, err: Error): void {
  socket._onerror(err);
}
