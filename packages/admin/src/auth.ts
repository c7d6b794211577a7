import bcrypt from "bcryptjs";
import createDebug from "debug";
import { randomBytes } from "node:crypto";
import { AdminError, AdminErrorCode } from "./errors.js";
import type { LoginRateLimiter } from "./rate-limiter.js";
import type { Store } from "./stores.js";
import type { AnyNamespace, AnySocket } from "./types.js";

const debug = createDebug("socket.io-admin:auth");

/** Basic authentication: `password` must be a bcrypt hash, never the password itself. */
export interface BasicAuthentication {
  type: "basic";
  username: string;
  password: string;
}

/** Longest password we hash-compare: bcrypt reads 72 bytes anyway, and this bounds the work. */
const MAX_CREDENTIAL_LENGTH = 1024;

/** Messages of the `connect_error` a refused login gets. */
export const LOGIN_REFUSED = "invalid credentials";
export const LOGIN_RATE_LIMITED = "too many attempts";

/** Check the `auth` option up front, so a misconfiguration fails at startup with a typed error. */
export function validateAuth(auth: unknown): false | BasicAuthentication {
  if (auth === undefined) {
    throw new AdminError(
      AdminErrorCode.AUTH_REQUIRED,
      "the `auth` option must be specified or explicitly set to `false`",
    );
  }
  if (auth === false) return false;
  const a = auth as Partial<BasicAuthentication> | null;
  if (
    a === null ||
    typeof a !== "object" ||
    a.type !== "basic" ||
    typeof a.username !== "string" ||
    typeof a.password !== "string"
  ) {
    throw new AdminError(
      AdminErrorCode.INVALID_AUTH,
      "invalid `auth` option: expected false or { type: 'basic', username, password }",
    );
  }
  try {
    bcrypt.getRounds(a.password);
    if (!/^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(a.password)) throw new Error("not a hash");
  } catch {
    throw new AdminError(
      AdminErrorCode.INVALID_PASSWORD_HASH,
      "the `password` field must be a valid bcrypt hash",
    );
  }
  return { type: "basic", username: a.username, password: a.password };
}

/** Sessions issued by the middleware, read back by the connection handler to send `session`. */
export const issuedSessions = new WeakMap<AnySocket, string>();

/**
 * Install the login middleware on the admin namespace: a valid session id, or the right username
 * and password; `max` failures per address and minute lead to `too many attempts`.
 */
export function installAuth(
  nsp: AnyNamespace,
  auth: false | BasicAuthentication,
  store: Store,
  limiter: LoginRateLimiter,
): void {
  if (auth === false) {
    debug("WARN: authentication is disabled, please use with caution");
    return;
  }
  nsp.use((socket, next) => {
    check(socket, auth, store, limiter).then(
      (err) => next(err),
      (err: unknown) => {
        debug("login check failed: %s", (err as Error).message);
        next(new Error(LOGIN_REFUSED));
      },
    );
  });
}

async function check(
  socket: AnySocket,
  auth: BasicAuthentication,
  store: Store,
  limiter: LoginRateLimiter,
): Promise<Error | undefined> {
  const address = socket.handshake.address;
  const creds = (socket.handshake.auth ?? {}) as Record<string, unknown>;
  if (!limiter.allowed(address)) {
    debug("login from %s refused: rate limited", address);
    return new Error(LOGIN_RATE_LIMITED);
  }
  const sessionId = creds.sessionId;
  if (
    typeof sessionId === "string" &&
    sessionId.length <= MAX_CREDENTIAL_LENGTH &&
    (await store.doesSessionExist(sessionId))
  ) {
    debug("authentication success with valid session ID");
    return undefined;
  }
  const { username, password } = creds;
  if (
    username === auth.username &&
    typeof password === "string" &&
    password.length <= MAX_CREDENTIAL_LENGTH &&
    (await bcrypt.compare(password, auth.password))
  ) {
    debug("authentication success with valid credentials");
    limiter.reset(address);
    const id = randomBytes(16).toString("hex");
    store.saveSession(id);
    issuedSessions.set(socket, id);
    return undefined;
  }
  limiter.fail(address);
  debug("invalid credentials from %s", address);
  return new Error(LOGIN_REFUSED);
}
