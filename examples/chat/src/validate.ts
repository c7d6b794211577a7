// Server-side checks for everything a user sends. The page checks too, but only these are trusted.

export const LIMITS = { name: 32, message: 2000, room: 40, rooms: 20 } as const;
export const DEFAULT_ROOM = "general";

/** A refusal carried back to the client, in a `connect_error`'s `data` or an ack's `{ ok: false }`. */
export class ChatError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "ChatError";
    this.code = code;
  }
}

// Control characters (C0, DEL, C1) and the bidi overrides that can disguise a name; matching them is the point.
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069<>]/;
// Room names become part of the page and of log lines: a small, predictable alphabet.
const ROOM = /^[a-z0-9][a-z0-9_-]*$/;

/** Returns the trimmed display name or throws a {@link ChatError}. */
export function checkName(value: unknown): string {
  if (typeof value !== "string") throw new ChatError("ERR_CHAT_NAME_MISSING", "Please choose a display name");
  const name = value.trim().replace(/\s+/g, " ");
  if (name.length === 0) throw new ChatError("ERR_CHAT_NAME_EMPTY", "The display name cannot be empty");
  if (name.length > LIMITS.name) {
    throw new ChatError("ERR_CHAT_NAME_TOO_LONG", `The display name is longer than ${LIMITS.name} characters`);
  }
  if (UNSAFE_NAME.test(name)) throw new ChatError("ERR_CHAT_NAME_INVALID", "The display name contains forbidden characters");
  return name;
}

/** Returns the normalised (lower-case, trimmed) room name or throws a {@link ChatError}. */
export function checkRoom(value: unknown): string {
  if (typeof value !== "string") throw new ChatError("ERR_CHAT_BAD_PAYLOAD", "A room name must be a string");
  const room = value.trim().toLowerCase();
  if (room.length === 0) throw new ChatError("ERR_CHAT_ROOM_INVALID", "The room name cannot be empty");
  if (room.length > LIMITS.room) {
    throw new ChatError("ERR_CHAT_ROOM_TOO_LONG", `The room name is longer than ${LIMITS.room} characters`);
  }
  if (!ROOM.test(room)) {
    throw new ChatError("ERR_CHAT_ROOM_INVALID", "Room names use a-z, 0-9, '-' and '_' and start with a letter or digit");
  }
  return room;
}

/** Returns the message text (not trimmed inside: users format with spaces) or throws a {@link ChatError}. */
export function checkText(value: unknown): string {
  if (typeof value !== "string") throw new ChatError("ERR_CHAT_BAD_PAYLOAD", "A message text must be a string");
  if (value.trim().length === 0) throw new ChatError("ERR_CHAT_EMPTY", "The message is empty");
  if (value.length > LIMITS.message) {
    throw new ChatError("ERR_CHAT_TOO_LONG", `The message is longer than ${LIMITS.message} characters`);
  }
  if (UNSAFE_TEXT.test(value)) throw new ChatError("ERR_CHAT_TEXT_INVALID", "The message contains control characters");
  return value;
}

/** Narrows an event payload to a plain object or throws. */
export function checkObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ChatError("ERR_CHAT_BAD_PAYLOAD", "The payload must be an object");
  }
  return value as Record<string, unknown>;
}

/** An optional client-chosen id used to match a pending message with its echo; short and harmless. */
export function checkClientId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw new ChatError("ERR_CHAT_BAD_PAYLOAD", "cid must be a short id string");
  }
  return value;
}
