// Incoming events of a socket after decoding: the event middlewares (`socket.use`), then the listeners. As in
// socket.io, listeners run on the next tick, so a DISCONNECT decoded from the same payload (or batch of frames)
// is handled first and the event is then dropped as received after disconnection.
import { runChain, type ChainFn } from "./middleware.js";
import { toError } from "./socket-acks.js";
import type { Event } from "./typed-events.js";

/** What dispatching needs of a socket. @internal */
export interface DispatchHost {
  /** Emit `[event, ...args]` to the listeners unless the socket left; `own`: the array may be consumed. */
  _dispatch(args: unknown[], own: boolean): void;
  _onerror(err: Error): void;
}

/**
 * @internal `[event, ...args]` received by `socket`. Without middlewares nobody else holds `args`, so dispatch
 * may consume it; a middleware may keep the array it was given, so then it is left as received.
 */
export function receiveEvent(socket: DispatchHost, args: unknown[], fns: ChainFn<Event>[] | undefined): void {
  if (fns === undefined) {
    process.nextTick(dispatch, socket, args, true);
    return;
  }
  runChain(fns, socket, args as Event, (err) => {
    if (err === undefined) process.nextTick(dispatch, socket, args, false);
    else process.nextTick(report, socket, toError(err));
  });
}

function dispatch(socket: DispatchHost, args: unknown[], own: boolean): void {
  socket._dispatch(args, own);
}

function report(socket: DispatchHost, err: Error): void {
  socket._onerror(err);
}
