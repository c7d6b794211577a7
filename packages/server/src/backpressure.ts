// Outgoing flow control as the Socket.IO layer sees it (issue #18): the engine holds, counts and caps each
// session's queue (engine's flow-control.ts); here the engine-level options are checked when the Server is
// built, so a bad one fails with this package's ERR_SB_INVALID_OPTION.
import {
  resolveBackpressure,
  resolveHandshakeRate,
  resolveMaxConnections,
} from "@switchboard/engine/internal";
import { ErrorCode, SocketIOError } from "./errors.js";

interface FlowOptions {
  backpressure?: unknown;
  maxConnections?: unknown;
  handshakeRate?: unknown;
}

/** @internal Validates `backpressure`, `maxConnections` and `handshakeRate`; throws ERR_SB_INVALID_OPTION. */
export function checkFlowOptions(opts: FlowOptions): void {
  try {
    resolveBackpressure(opts.backpressure as never);
    resolveMaxConnections(opts.maxConnections);
    resolveHandshakeRate(opts.handshakeRate);
  } catch (err) {
    throw new SocketIOError(ErrorCode.INVALID_OPTION, (err as Error).message, { cause: err });
  }
}
