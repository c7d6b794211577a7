import type { IncomingMessage, ServerResponse } from "node:http";
import type { Middleware } from "./cors.js";

/**
 * @internal Runs Express-style middlewares in order (§1.9), as `engine.io` (≥ 6.6.10) does: `done()`
 * when all called `next()`, `done(err)` at the first `next(err)`, throw or rejected returned promise
 * (async middlewares); a second `next()` from the same middleware is ignored. A middleware that ends
 * the response without calling `next` (a CORS preflight) stops the chain. Synchronous `next()` calls
 * go on synchronously: no promise is made unless a middleware returns one.
 */
export function applyMiddlewares(
  list: readonly Middleware[],
  req: IncomingMessage,
  res: ServerResponse,
  done: (err?: unknown) => void,
): void {
  let index = 0;
  let finished = false;
  const run = (): void => {
    const fn = list[index++];
    if (fn === undefined) {
      finished = true;
      return done();
    }
    let settled = false;
    const next = (err?: unknown): void => {
      if (settled || finished) return;
      settled = true;
      if (err !== undefined && err !== null) {
        finished = true;
        return done(err);
      }
      run();
    };
    try {
      const result: unknown = fn(req, res, next);
      if (isThenable(result))
        result.then(undefined, (e: unknown) => next(e ?? new Error("middleware rejected")));
    } catch (e) {
      next(e ?? new Error("middleware threw"));
    }
  };
  run();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
