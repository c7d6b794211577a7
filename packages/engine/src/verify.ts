import type { IncomingMessage } from "node:http";
import { protocol } from "@switchboard/engine-parser";
import { ErrorCodes, ErrorMessages, RequestError } from "./errors.js";
import type { AllowRequestFunction, TransportName } from "./options.js";
import { hasInvalidOrigin, type EngineRequest } from "./request.js";

// Request verification, in the reference order (docs/protocol.md §1.8): transport known and enabled,
// Origin characters, then sid known, transport matching and the session's EIO (or, for a handshake:
// GET, a real upgrade for websocket), then allowRequest, then the EIO version, then the id.

/** The `EIO` query value of the protocol revision this server speaks. */
const EIO = String(protocol);

/** @internal The revision a request speaks: anything but `EIO=4` (even none) means v3, as on the reference. */
export function requestProtocol(req: EngineRequest): 3 | 4 {
  return req._query.EIO === EIO ? 4 : 3;
}

/** @internal What verification needs to know about a session. */
export interface KnownSession {
  readonly transport: { readonly name: TransportName };
  readonly protocol: 3 | 4;
}

/** @internal Synchronous checks of any request or upgrade; null when it may proceed. */
export function verifyRequest(
  req: EngineRequest,
  upgrade: boolean,
  transports: readonly TransportName[],
  clients: Readonly<Record<string, KnownSession>>,
): RequestError | null {
  const q = req._query;
  const transport = q.transport;
  if (transport === undefined || !transports.includes(transport as TransportName)) {
    return new RequestError(ErrorCodes.UNKNOWN_TRANSPORT, { transport });
  }
  if (hasInvalidOrigin(req)) {
    return new RequestError(ErrorCodes.BAD_REQUEST, {
      name: "INVALID_ORIGIN",
      origin: req.headers.origin,
    });
  }
  const sid = q.sid;
  if (sid) {
    const socket = clients[sid];
    if (socket === undefined) return new RequestError(ErrorCodes.UNKNOWN_SID, { sid });
    const previousTransport = socket.transport.name;
    if (!upgrade && previousTransport !== transport) {
      return new RequestError(ErrorCodes.BAD_REQUEST, {
        name: "TRANSPORT_MISMATCH",
        transport,
        previousTransport,
      });
    }
    // A request in another revision than its session's is refused at once, as the reference does,
    // instead of being served in the session's.
    const requested = requestProtocol(req);
    if (requested !== socket.protocol) {
      return new RequestError(ErrorCodes.BAD_REQUEST, {
        name: "PROTOCOL_MISMATCH",
        protocol: requested,
        previousProtocol: socket.protocol,
      });
    }
  } else {
    if (req.method !== "GET")
      return new RequestError(ErrorCodes.BAD_HANDSHAKE_METHOD, { method: req.method });
    if (transport === "websocket" && !upgrade) {
      return new RequestError(ErrorCodes.BAD_REQUEST, {
        name: "TRANSPORT_HANDSHAKE_ERROR",
        error: "invalid transport handshake",
      });
    }
  }
  if (upgrade && transport !== "websocket") {
    return new RequestError(ErrorCodes.BAD_REQUEST, {
      name: "TRANSPORT_HANDSHAKE_ERROR",
      error: "upgrade to a non-websocket transport",
    });
  }
  return null;
}

/** @internal Runs `allowRequest` (if any); `next(null)` to go on, `next(error)` to refuse with code 4. */
export function checkAllowRequest(
  allow: AllowRequestFunction | undefined,
  req: IncomingMessage,
  next: (err: RequestError | null) => void,
): void {
  if (allow === undefined) return next(null);
  let called = false;
  try {
    allow(req, (message, success) => {
      if (called) return;
      called = true;
      if (success) return next(null);
      const text = typeof message === "string" && message !== "" ? message : undefined;
      next(
        new RequestError(
          ErrorCodes.FORBIDDEN,
          { message: text ?? ErrorMessages[ErrorCodes.FORBIDDEN] },
          text,
        ),
      );
    });
  } catch (err) {
    if (!called) {
      called = true;
      next(new RequestError(ErrorCodes.FORBIDDEN, { message: String(err) }));
    }
  }
}

/** @internal §1.1, §1.10: a missing EIO counts as v3, which this server speaks only with `allowEIO3`. */
export function checkVersion(req: EngineRequest, allowEIO3: boolean): RequestError | null {
  if (req._query.EIO === EIO || allowEIO3) return null;
  return new RequestError(ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION, { protocol: req._query.EIO });
}

/**
 * @internal Obtains a session id from a (possibly async) generator; a throw, a rejection, an empty
 * value or an id in use refuses the handshake with code 3.
 */
export function obtainId(
  generate: () => string | Promise<string>,
  inUse: (id: string) => boolean,
  done: (err: RequestError | null, id?: string) => void,
  report: (err: unknown) => void,
): void {
  const fail = (error: unknown) =>
    done(new RequestError(ErrorCodes.BAD_REQUEST, { name: "ID_GENERATION_ERROR", error }));
  const accept = (id: unknown) => {
    if (typeof id !== "string" || id === "")
      fail(new TypeError("generateId() must return a non-empty string"));
    else if (inUse(id)) fail(new Error("generateId() returned an id in use"));
    else done(null, id);
  };
  let result: string | Promise<string>;
  try {
    result = generate();
  } catch (err) {
    return fail(err);
  }
  if (typeof result === "string") return accept(result);
  // `done` runs outside the promise chain's error path: a throw there is reported, never an unhandled rejection.
  Promise.resolve(result).then(accept, fail).catch(report);
}
