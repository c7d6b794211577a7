// Issues from any Standard Schema library, normalised to `{ path, message }` and bounded. Messages are the
// library's, except where one quotes the rejected value (valibot's "… but received X", arktype's "… (was X)",
// zod's list of unrecognized keys): those parts are cut, so nothing a peer sent is reflected back to it.
import type { StandardSchemaV1 } from "@standard-schema/spec";

/** One validation problem: where (`path`, from the argument's index) and what. */
export interface ContractIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Issues kept per error: a payload with a thousand bad items must not make a thousand-line answer. */
export const MAX_ISSUES = 10;
/** Path segments kept per issue. */
export const MAX_PATH_DEPTH = 32;
/** Characters kept of a path key (a record's keys are the sender's) and of a message. */
export const MAX_TEXT = 200;

/**
 * The issues of one failed validation. `index` (the argument's position) starts each path; `undefined` for an ack
 * value, whose paths start at the value.
 */
export function normaliseIssues(
  issues: readonly StandardSchemaV1.Issue[],
  index: number | undefined,
): ContractIssue[] {
  const out: ContractIssue[] = [];
  const n = Math.min(issues.length, MAX_ISSUES);
  for (let i = 0; i < n; i++) {
    const issue = issues[i]!;
    out.push({ path: pathOf(issue, index), message: messageOf(issue) });
  }
  return out;
}

/** One issue of our own (an extra argument, a schema that threw). */
export function issue(path: (string | number)[], message: string): ContractIssue {
  return { path, message };
}

function pathOf(issue: StandardSchemaV1.Issue, index: number | undefined): (string | number)[] {
  const path: (string | number)[] = index === undefined ? [] : [index];
  const segments = Array.isArray(issue.path) ? issue.path : [];
  const n = Math.min(segments.length, MAX_PATH_DEPTH);
  for (let i = 0; i < n; i++) {
    const seg: unknown = segments[i];
    const key: unknown =
      typeof seg === "object" && seg !== null ? (seg as StandardSchemaV1.PathSegment).key : seg;
    path.push(
      typeof key === "number"
        ? key
        : typeof key === "symbol"
          ? (key.description ?? "symbol")
          : String(key).slice(0, MAX_TEXT),
    );
  }
  return path;
}

function messageOf(issue: StandardSchemaV1.Issue): string {
  const raw = issue as StandardSchemaV1.Issue & {
    received?: unknown;
    actual?: unknown;
    code?: unknown;
  };
  let message = typeof raw.message === "string" ? raw.message : "invalid value";
  // zod: "Unrecognized keys: "a", "b"" names keys the sender chose.
  if (raw.code === "unrecognized_keys") return "Unrecognized key(s) in object";
  // valibot: "Invalid type: Expected string but received 5".
  if (typeof raw.received === "string") message = cutTail(message, ` but received ${raw.received}`);
  // arktype: "must be "a" or "b" (was "x")"; a `domain` issue's `actual` is a type ("a number"), not the value.
  if (typeof raw.actual === "string" && raw.code !== "domain")
    message = cutTail(message, ` (was ${raw.actual})`);
  return message.length > MAX_TEXT ? message.slice(0, MAX_TEXT) : message;
}

function cutTail(message: string, tail: string): string {
  return message.endsWith(tail) ? message.slice(0, -tail.length) : message;
}
