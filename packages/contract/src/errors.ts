import type { ContractIssue } from "./issues.js";

/**
 * Stable codes of the errors this package creates (listed in the README). The four validation codes are the
 * issue's wire names: they travel in ack answers (`{ error: { code, event, issues } }`) as they are.
 */
export const ContractErrorCode = {
  /** An incoming event's arguments failed their schemas (or a schema threw). */
  REQUEST_VALIDATION_ERROR: "REQUEST_VALIDATION_ERROR",
  /** An incoming event is not in a strict contract. */
  UNKNOWN_EVENT: "UNKNOWN_EVENT",
  /** The value passed to an acknowledgement failed the event's `ack` schema. */
  RESPONSE_VALIDATION_ERROR: "RESPONSE_VALIDATION_ERROR",
  /** An emit's arguments failed a synchronous schema: nothing was sent. */
  EMIT_VALIDATION_ERROR: "EMIT_VALIDATION_ERROR",
  /** `defineContract()` was given something that is not a contract (an event without an `args` array of schemas…). */
  INVALID_CONTRACT: "ERR_SB_CONTRACT_INVALID",
} as const;
export type ContractErrorCode = (typeof ContractErrorCode)[keyof typeof ContractErrorCode];

/** The codes a {@link ContractValidationError} carries. */
export type ContractValidationCode = Exclude<
  ContractErrorCode,
  typeof ContractErrorCode.INVALID_CONTRACT
>;

/** Base class of this package's errors: `code` is one of {@link ContractErrorCode}. */
export class ContractError extends Error {
  readonly code: ContractErrorCode;
  constructor(code: ContractErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A payload (or an ack response) that does not match the contract. `issues` are the schema library's, normalised
 * to `{ path, message }`; neither they nor the message quote the rejected value.
 *
 * @example
 * ```ts
 * try {
 *   socket.emit("chat:send", { room: "a", text: "" });
 * } catch (err) {
 *   if (err instanceof ContractValidationError) console.log(err.code, err.event, err.issues);
 * }
 * ```
 */
export class ContractValidationError extends ContractError {
  declare readonly code: ContractValidationCode;
  /** The event name. */
  readonly event: string;
  /** What failed, where: `path` starts with the argument's index for arguments. */
  readonly issues: readonly ContractIssue[];
  constructor(
    code: ContractValidationCode,
    event: string,
    issues: readonly ContractIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, messageFor(code, issues), options);
    this.event = event;
    this.issues = issues;
  }

  /**
   * The ack answer for this error, as the issue defines it: `{ error: { code, event, issues } }` (`UNKNOWN_EVENT`
   * and `RESPONSE_VALIDATION_ERROR` carry no issues).
   */
  toAck(): { error: { code: ContractValidationCode; event: string; issues?: ContractIssue[] } } {
    const { code, event } = this;
    return code === ContractErrorCode.UNKNOWN_EVENT ||
      code === ContractErrorCode.RESPONSE_VALIDATION_ERROR
      ? { error: { code, event } }
      : { error: { code, event, issues: [...this.issues] } };
  }
}

// The event name stays out of the message: for UNKNOWN_EVENT it is whatever the peer sent (see `event`).
function messageFor(code: ContractValidationCode, issues: readonly ContractIssue[]): string {
  const first = issues[0];
  switch (code) {
    case ContractErrorCode.UNKNOWN_EVENT:
      return "event not in the contract";
    case ContractErrorCode.RESPONSE_VALIDATION_ERROR:
      return "acknowledgement does not match the contract";
    default:
      return first === undefined
        ? "arguments do not match the contract"
        : `arguments do not match the contract: ${JSON.stringify(first.path)} ${first.message}`;
  }
}
