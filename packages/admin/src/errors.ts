/** Stable error codes of `@switchboard/admin` (documented in the README). */
export const AdminErrorCode = {
  /** `instrument()` without an `auth` option: it must be set, or explicitly `false`. */
  AUTH_REQUIRED: "ERR_SB_ADMIN_AUTH_REQUIRED",
  /** `auth.password` is not a bcrypt hash (plain-text passwords are refused). */
  INVALID_PASSWORD_HASH: "ERR_SB_ADMIN_INVALID_PASSWORD_HASH",
  /** `auth` is neither `false` nor `{ type: "basic", username, password }`. */
  INVALID_AUTH: "ERR_SB_ADMIN_INVALID_AUTH",
  /** Another option has a wrong type or value. */
  INVALID_OPTION: "ERR_SB_ADMIN_INVALID_OPTION",
  /** A metric was registered twice, or with labels that do not match its definition. */
  INVALID_METRIC: "ERR_SB_ADMIN_INVALID_METRIC",
} as const;
export type AdminErrorCode = (typeof AdminErrorCode)[keyof typeof AdminErrorCode];

/** Base class of the errors thrown by `@switchboard/admin`; `code` is stable. */
export class AdminError extends Error {
  readonly code: AdminErrorCode;
  constructor(code: AdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
