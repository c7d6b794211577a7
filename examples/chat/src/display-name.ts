// The join check for display names: validate.ts's rules, with refusals that say exactly what is wrong
// (how long the name is, which characters are not allowed), so the user can fix it.
import { UNSAFE_NAME, normaliseName } from "./rules.js";
import { ChatError, LIMITS, checkName } from "./validate.js";

// The characters validate.ts refuses in a name: control characters, bidi overrides, "<" and ">".
const FORBIDDEN = new RegExp(UNSAFE_NAME.source, "gu");

/** Returns the normalised display name or throws a {@link ChatError} whose message names the problem. */
export function checkDisplayName(value: unknown): string {
  try {
    return checkName(value);
  } catch (err) {
    if (!(err instanceof ChatError) || typeof value !== "string") throw err;
    const name = normaliseName(value);
    if (err.code === "ERR_CHAT_NAME_TOO_LONG")
      throw new ChatError(
        err.code,
        `The display name is ${[...name].length} characters long; the limit is ${LIMITS.name}`,
      );
    if (err.code === "ERR_CHAT_NAME_INVALID") {
      const found = forbiddenCharacters(name);
      if (found.length > 0)
        throw new ChatError(
          err.code,
          `The display name contains characters that are not allowed: ${found.join(", ")}`,
        );
    }
    throw err;
  }
}

/** The distinct forbidden characters of `name`, printable ones quoted, the others as `U+XXXX`, at most 5. */
export function forbiddenCharacters(name: string): string[] {
  const seen = new Set(name.match(FORBIDDEN) ?? []);
  return [...seen]
    .slice(0, 5)
    .map((c) =>
      c === "<" || c === ">"
        ? `"${c}"`
        : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
    );
}
