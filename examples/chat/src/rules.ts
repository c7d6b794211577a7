// The chat's limits and character rules, shared by the contract (src/contract.ts, also bundled into the page) and
// the join's name check (validate.ts). Plain data: nothing here may pull Node-only code into the page.

export const LIMITS = { name: 32, message: 2000, room: 40, rooms: 20 } as const;
export const DEFAULT_ROOM = "general";

// Control characters (C0, DEL, C1) and the bidi overrides that can disguise text; matching them is the point.
export const UNSAFE_TEXT =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** What a display name may not contain: all control characters, bidi overrides, `<` and `>`. */
// eslint-disable-next-line no-control-regex
export const UNSAFE_NAME = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069<>]/;
/** Room names become part of the page and of log lines: a small, predictable alphabet. */
export const ROOM = /^[a-z0-9][a-z0-9_-]*$/;
/** The optional client-chosen id matching a pending message with its echo. */
export const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A display name as the server keeps it: trimmed, inner runs of white space made one space. */
export function normaliseName(name: string): string {
  return name.trim().replace(/\s+/g, " ");
}
