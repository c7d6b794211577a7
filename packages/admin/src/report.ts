// The one place where the admin package writes to the console: an exception of a listener it called.

/** @internal An exception thrown by a listener of an admin event, reported instead of escaping. */
export function reportError(err: unknown): void {
  console.error(err);
}
