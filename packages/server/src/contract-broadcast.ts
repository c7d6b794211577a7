// Contract validation of the answers to a broadcast with an ack (issue #17): `io.timeout(ms).emit(ev, …, cb)`,
// `emitWithAck` on a broadcast operator, and `RemoteSocket` emits. Socket.IO hands such a callback
// `(err, responses)`, where `err` is only ever the timeout; so each client's answer is checked on its own and
// takes its place in `responses`: the ack schema's output when it matches, else a ContractValidationError
// (`RESPONSE_VALIDATION_ERROR`). One client's bad answer never hides the others'. A `RemoteSocket` (one
// recipient) gets a refused answer as its error instead, as a local socket's `timeout()` emit does.
import { ContractValidationError, type AnyContract } from "@switchboard/contract";

/** A namespace of this server (the adapter's host interface does not include its contract). @internal */
export interface ContractNamespace {
  readonly _contract?: AnyContract | undefined;
}

/**
 * @internal The callback receiving each client's answer to a broadcast of `event`, wrapped so that the answer is
 * validated against the event's `ack` schema first; `onResponse` itself when there is nothing to check.
 * Asynchronous schemas delay the answer until they settle (the broadcast counts it then).
 */
export function checkResponses(
  nsp: unknown,
  event: unknown,
  onResponse: (response: unknown) => void,
): (response: unknown) => void {
  const contract = (nsp as ContractNamespace)._contract;
  if (contract === undefined || typeof event !== "string") return onResponse;
  if (!contract.hasAck("serverToClient", event)) return onResponse;
  // Not error-first: a matching answer's output goes to `onResponse`, a failing one's error too.
  return contract.answer("serverToClient", event, onResponse, false, onResponse);
}

/** @internal The answer of a single recipient, refused by the contract: the error its callback gets, else null. */
export function refusal(response: unknown): ContractValidationError | null {
  return response instanceof ContractValidationError ? response : null;
}
