import type { IncomingMessage, ServerResponse } from "node:http";

// CORS for Engine.IO requests (docs/protocol.md §1.9). Off unless the `cors` option is set; then every
// polling request gets the headers below and a preflight OPTIONS is answered 204. Semantics follow
// the documented behaviour of the `cors` middleware that Socket.IO users configure.

/** A static origin rule: `*`/one origin, reflect (`true`), none (`false`), or a match list. */
export type StaticOrigin = boolean | string | RegExp | ReadonlyArray<string | RegExp>;

/** Decides the origin rule per request; `cb(null, rule)`. */
export type CustomOrigin = (
  requestOrigin: string | undefined,
  cb: (err: Error | null, origin?: StaticOrigin) => void,
) => void;

/** CORS options (the same shape as the `cors` package's). */
export interface CorsOptions {
  /** Allowed origin(s). Default `*`. */
  origin?: StaticOrigin | CustomOrigin;
  /** Methods allowed by preflight. Default `GET,HEAD,PUT,PATCH,POST,DELETE`. */
  methods?: string | readonly string[];
  /** Headers allowed by preflight. Default: those the request asks for. */
  allowedHeaders?: string | readonly string[];
  /** Headers exposed to the page. */
  exposedHeaders?: string | readonly string[];
  /** Adds `Access-Control-Allow-Credentials: true`. */
  credentials?: boolean;
  /** Seconds a preflight may be cached. */
  maxAge?: number;
  /** Pass preflight requests on instead of answering them. Default false. */
  preflightContinue?: boolean;
  /** Status of an answered preflight. Default 204. */
  optionsSuccessStatus?: number;
}

/** Express-style middleware, as accepted by `server.use()`. */
export type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

const DEFAULT_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE";
// Characters Node refuses in header values; such an origin is never reflected.
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Builds the CORS middleware for the given options.
 * @example server.use(createCors({ origin: "https://app.example", credentials: true }))
 */
export function createCors(options: CorsOptions): Middleware {
  const methods = join(options.methods) ?? DEFAULT_METHODS;
  const allowedHeaders = join(options.allowedHeaders);
  const exposedHeaders = join(options.exposedHeaders);
  const origin = options.origin ?? "*";
  const status = options.optionsSuccessStatus ?? 204;

  const apply = (
    req: IncomingMessage,
    res: ServerResponse,
    next: (err?: unknown) => void,
    rule: StaticOrigin,
  ) => {
    setOrigin(req, res, rule);
    if (options.credentials === true) res.setHeader("Access-Control-Allow-Credentials", "true");
    if (exposedHeaders) res.setHeader("Access-Control-Expose-Headers", exposedHeaders);
    if (req.method !== "OPTIONS") return next();
    res.setHeader("Access-Control-Allow-Methods", methods);
    if (allowedHeaders !== undefined) {
      if (allowedHeaders) res.setHeader("Access-Control-Allow-Headers", allowedHeaders);
    } else {
      const requested = req.headers["access-control-request-headers"];
      vary(res, "Access-Control-Request-Headers");
      if (requested && !INVALID_HEADER_CHAR.test(requested))
        res.setHeader("Access-Control-Allow-Headers", requested);
    }
    if (options.maxAge !== undefined)
      res.setHeader("Access-Control-Max-Age", String(options.maxAge));
    if (options.preflightContinue) return next();
    res.statusCode = status;
    res.setHeader("Content-Length", "0");
    res.end();
  };

  if (origin === false) return (_req, _res, next) => next();
  if (typeof origin !== "function") return (req, res, next) => apply(req, res, next, origin);
  return (req, res, next) => {
    let called = false;
    try {
      origin(req.headers.origin, (err, rule) => {
        if (called) return;
        called = true;
        if (err) next(err);
        else if (rule === false) next();
        else apply(req, res, next, rule ?? false);
      });
    } catch (err) {
      if (!called) {
        called = true;
        next(err);
      }
    }
  };
}

function setOrigin(req: IncomingMessage, res: ServerResponse, rule: StaticOrigin): void {
  if (rule === "*") {
    res.setHeader("Access-Control-Allow-Origin", "*");
    return;
  }
  if (typeof rule === "string") {
    res.setHeader("Access-Control-Allow-Origin", rule);
    vary(res, "Origin");
    return;
  }
  const requestOrigin = req.headers.origin;
  vary(res, "Origin");
  if (requestOrigin === undefined || INVALID_HEADER_CHAR.test(requestOrigin)) return;
  if (isAllowed(requestOrigin, rule)) res.setHeader("Access-Control-Allow-Origin", requestOrigin);
}

/** Whether a request origin matches a rule (`true` matches any origin). */
export function isAllowed(requestOrigin: string, rule: StaticOrigin): boolean {
  if (rule === true) return true;
  if (rule === false) return false;
  if (typeof rule === "string") return rule === requestOrigin;
  if (rule instanceof RegExp) {
    rule.lastIndex = 0;
    return rule.test(requestOrigin);
  }
  for (const item of rule) if (isAllowed(requestOrigin, item)) return true;
  return false;
}

function vary(res: ServerResponse, field: string): void {
  const current = res.getHeader("Vary");
  if (current === undefined) {
    res.setHeader("Vary", field);
    return;
  }
  const text = Array.isArray(current) ? current.join(", ") : String(current);
  if (text === "*") return;
  const lower = field.toLowerCase();
  if (text.split(",").some((f) => f.trim().toLowerCase() === lower)) return;
  res.setHeader("Vary", `${text}, ${field}`);
}

function join(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(",");
}
