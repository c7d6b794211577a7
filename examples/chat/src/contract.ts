// The chat's events as a contract of @switchboard/contract (issue #17), shared by both ends: the server validates
// every incoming payload with it (`new Server(http, { contract })`: a bad one is answered
// `{ error: { code: "REQUEST_VALIDATION_ERROR", event, issues } }` and never reaches a handler), and the page loads
// the same file, bundled into public/vendor/contract.js (scripts/build-page.mjs), as `io({ contract })`, so it
// refuses a bad payload before sending it. The messages below are what the page shows.
// zod/mini: the same checks as zod at a fifth of the page's weight (~4 KB gzip against ~25 KB).
import { defineContract } from "@switchboard/contract";
// The page catches the errors of refused emits with it (`instanceof`): the class of this very bundle.
export { ContractValidationError } from "@switchboard/contract";
import * as z from "zod/mini";
import { CLIENT_ID, LIMITS, ROOM, UNSAFE_NAME, UNSAFE_TEXT, normaliseName } from "./rules.js";

/** A message text: not blank, at most 2000 characters, no control characters; kept as typed (not trimmed). */
export const messageText = z.string({ error: "A message text must be a string" }).check(
  z.refine((s) => s.trim().length > 0, "The message is empty"),
  z.maxLength(LIMITS.message, `The message is longer than ${LIMITS.message} characters`),
  z.refine((s) => !UNSAFE_TEXT.test(s), "The message contains control characters"),
);

/** A room name, normalised (trimmed, lower case): 1–40 of `a-z 0-9 - _`, starting with a letter or digit. */
export const roomName = z
  .string({ error: "A room name must be a string" })
  .check(
    z.trim(),
    z.toLowerCase(),
    z.minLength(1, "The room name cannot be empty"),
    z.maxLength(LIMITS.room, `The room name is longer than ${LIMITS.room} characters`),
    z.regex(ROOM, "Room names use a-z, 0-9, '-' and '_' and start with a letter or digit"),
  );

/** A display name, normalised as the join normalises it; the messages say what is wrong, as the join's do. */
export const displayName = z.string({ error: "A display name must be a string" }).check(
  z.overwrite(normaliseName),
  z.minLength(1, "The display name cannot be empty"),
  z.maxLength(LIMITS.name, {
    error: (iss) =>
      `The display name is ${[...String(iss.input)].length} characters long; the limit is ${LIMITS.name}`,
  }),
  z.refine((s) => !UNSAFE_NAME.test(s), "The display name contains forbidden characters"),
);

const clientId = z.optional(
  z.string().check(z.regex(CLIENT_ID, "cid must be a short id string (A-Z a-z 0-9 - _)")),
);
const payload = <S extends z.core.$ZodLooseShape>(shape: S) =>
  z.object(shape, { error: "The payload must be an object" });

// ---- what the server sends --------------------------------------------------------------------------------

const message = z.object({
  id: z.string(),
  room: z.string(),
  from: z.string(),
  text: z.string(),
  ts: z.number(),
  cid: z.optional(z.string()),
});
const privateMessage = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  text: z.string(),
  ts: z.number(),
  cid: z.optional(z.string()),
});
const roomInfo = z.object({ name: z.string(), count: z.number() });
const roomState = z.object({
  room: z.string(),
  members: z.array(z.string()),
  history: z.array(message),
});

/**
 * Every refusal an ack carries, the contract's (`REQUEST_VALIDATION_ERROR`, `UNKNOWN_EVENT`, …) and the chat's own
 * (`ERR_CHAT_NOT_IN_ROOM`, `ERR_CHAT_RATE_LIMITED`, …): `{ error: { code, event, issues: [{ path, message }] } }`.
 */
export const refusal = z.object({
  error: z.object({
    code: z.string(),
    event: z.string(),
    issues: z.optional(
      z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })),
    ),
  }),
});
const ok = z.literal(true);

export const chatContract = defineContract({
  clientToServer: {
    message: {
      args: [payload({ room: roomName, text: messageText, cid: clientId })],
      ack: z.union([z.object({ ok, message }), refusal]),
    },
    private: {
      args: [payload({ to: displayName, text: messageText, cid: clientId })],
      ack: z.union([z.object({ ok, message: privateMessage }), refusal]),
    },
    join: {
      args: [payload({ room: roomName })],
      ack: z.union([z.extend(roomState, { ok }), refusal]),
    },
    leave: {
      args: [payload({ room: roomName })],
      ack: z.union([z.object({ ok, room: z.string() }), refusal]),
    },
    /** Volatile, no ack: a bad one is dropped (the server socket emits "error", which the chat ignores). */
    typing: { args: [payload({ room: roomName })] },
  },
  serverToClient: {
    welcome: {
      args: [
        z.object({
          name: z.string(),
          users: z.array(z.string()),
          rooms: z.array(roomInfo),
          joined: z.array(roomState),
        }),
      ],
    },
    refused: { args: [z.object({ code: z.string(), error: z.string() })] },
    users: { args: [z.array(z.string())] },
    rooms: { args: [z.array(roomInfo)] },
    members: { args: [z.object({ room: z.string(), members: z.array(z.string()) })] },
    message: { args: [message] },
    private: { args: [privateMessage] },
    notice: { args: [z.object({ room: z.string(), text: z.string(), ts: z.number() })] },
    typing: { args: [z.object({ room: z.string(), name: z.string() })] },
  },
});

export type ChatContract = typeof chatContract;
/** A refusal as the handlers build it (the ack schema's input). */
export type Refusal = z.input<typeof refusal>;
