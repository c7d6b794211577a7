// The join's display-name check (the connection's `auth`, which no event contract covers). Event payloads are
// checked by the contract (src/contract.ts); what needs server state (a taken name, room membership, the rate)
// is checked by the handlers, which refuse with a ChatError.
import { LIMITS, UNSAFE_NAME, normaliseName } from "./rules.js";

export { LIMITS, DEFAULT_ROOM } from "./rules.js";

/** A refusal carried back to the client, in a `connect_error`'s `data` or an ack's `{ error }`. */
export class ChatError extends Error {
  readonly code: string;
  /** Where in the event's arguments the problem is (`[0, "room"]`), for the ack's `issues`. */
  readonly path: readonly (string | number)[];
  constructor(code: string, message: string, path: readonly (string | number)[] = []) {
    super(message);
    this.name = "ChatError";
    this.code = code;
    this.path = path;
  }
}

/** Returns the normalised display name or throws a {@link ChatError}. */
export function checkName(value: unknown): string {
  if (typeof value !== "string")
    throw new ChatError("ERR_CHAT_NAME_MISSING", "Please choose a display name");
  const name = normaliseName(value);
  if (name.length === 0)
    throw new ChatError("ERR_CHAT_NAME_EMPTY", "The display name cannot be empty");
  if (name.length > LIMITS.name) {
    throw new ChatError(
      "ERR_CHAT_NAME_TOO_LONG",
      `The display name is longer than ${LIMITS.name} characters`,
    );
  }
  if (UNSAFE_NAME.test(name))
    throw new ChatError("ERR_CHAT_NAME_INVALID", "The display name contains forbidden characters");
  return name;
}
