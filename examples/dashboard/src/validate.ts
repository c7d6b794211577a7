// Server-side checks for every order, whichever way it arrives (HTTP or socket). Only these are trusted.
import type { OrderInput } from "./types.js";

/** `minAmount` is the form's `min="0.01"`: a cent, the smallest amount a person can pay. */
export const LIMITS = { user: 32, item: 64, minAmount: 0.01, amount: 1e6 } as const;

/** A refused order; `code` is stable, `message` is shown to the user. */
export class DashboardError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "DashboardError";
    this.code = code;
  }
}

// Control characters and bidi overrides would disguise what the dashboard shows; refusing them is the point.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== "string")
    throw new DashboardError("ERR_DASH_BAD_FIELD", `"${field}" must be a string`);
  const s = value.trim();
  if (s.length === 0) throw new DashboardError("ERR_DASH_EMPTY", `"${field}" cannot be empty`);
  if (s.length > max)
    throw new DashboardError("ERR_DASH_TOO_LONG", `"${field}" is longer than ${max} characters`);
  if (UNSAFE.test(s))
    throw new DashboardError("ERR_DASH_BAD_FIELD", `"${field}" contains forbidden characters`);
  return s;
}

/**
 * Returns a clean order or throws a {@link DashboardError}.
 * @example
 * checkOrder({ user: "ada", item: "tea", amount: 3.5 }); // { user: "ada", item: "tea", amount: 3.5 }
 */
export function checkOrder(value: unknown): OrderInput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DashboardError(
      "ERR_DASH_BAD_PAYLOAD",
      "An order must be a JSON object with user, item and amount",
    );
  }
  const o = value as Record<string, unknown>;
  const amount = o["amount"];
  if (
    typeof amount !== "number" ||
    !Number.isFinite(amount) ||
    amount < LIMITS.minAmount ||
    amount > LIMITS.amount
  ) {
    throw new DashboardError(
      "ERR_DASH_BAD_AMOUNT",
      `"amount" must be a number from ${LIMITS.minAmount} to ${LIMITS.amount}`,
    );
  }
  return {
    user: text(o["user"], "user", LIMITS.user),
    item: text(o["item"], "item", LIMITS.item),
    amount,
  };
}
