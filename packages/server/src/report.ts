// The one place where the Socket.IO server writes to the console: exceptions of application code (listeners,
// middlewares, handlers) that it caught so they never escape a socket callback, printed as socket.io prints them
// when nobody listens for `error`.

/** @internal An exception of application code that has no `error` listener to go to. */
export function reportError(err: unknown): void {
  console.error(err);
}

/** @internal A socket-level error without an `error` listener: socket.io's two lines. */
export function reportMissingErrorHandler(err: Error): void {
  console.error("Missing error handler on `socket`.");
  console.error(err.stack);
}
