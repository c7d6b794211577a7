import type { IncomingMessage, ServerResponse } from "node:http";
import type { Middleware } from "./cors.js";

/**
 * @internal Runs Express-style middlewares in order (§1.9). `done()` when all called `next()`,
 * `done(err)` at the first `next(err)` or throw; a middleware that ends the response without calling
 * `next` (a CORS preflight) stops the chain.
 */
export function applyMiddlewares(
  list: readonly Middleware[],
  req: IncomingMessage,
  res: ServerResponse,
  done: (err?: unknown) => void,
): void {
  let index = 0;
  let finished = false;
  const next = (err?: unknown): void => {
    if (finished) return;
    if (err !== undefined && err !== null) {
      finished = true;
      return done(err);
    }
    const fn = list[index++];
    if (fn === undefined) {
      finished = true;
      return done();
    }
    try {
      fn(req, res, next);
    } catch (e) {
      next(e ?? new Error("middleware threw"));
    }
  };
  next();
}
