/** A middleware of a chain: calls `next()` to continue or `next(err)` to stop. */
export type ChainFn<A> = (arg: A, next: (err?: unknown) => void) => unknown;

/**
 * Run `fns` in order on `arg` (connect middlewares, `socket.use`). A middleware that throws or
 * returns a rejected promise counts as `next(err)`; a second call of one `next` is ignored.
 * `done` is called once, with the first error if any.
 * @internal
 */
export function runChain<A>(
  fns: readonly ChainFn<A>[],
  self: unknown,
  arg: A,
  done: (err?: unknown) => void,
): void {
  const step = (i: number): void => {
    const fn = fns[i];
    if (fn === undefined) return done();
    let called = false;
    const next = (err?: unknown): void => {
      if (called) return;
      called = true;
      if (err !== undefined && err !== null) done(err);
      else step(i + 1);
    };
    try {
      const result = fn.call(self, arg, next);
      if (isThenable(result))
        result.then(undefined, (e: unknown) => next(e ?? new Error("middleware rejected")));
    } catch (err) {
      next(err ?? new Error("middleware threw"));
    }
  };
  step(0);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
