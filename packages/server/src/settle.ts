/**
 * Adapter calls may return promises (cluster adapters). Their failures are logged instead of
 * becoming unhandled rejections that would crash the process.
 * @internal
 */
export function settle(result: Promise<void> | void): void {
  if (result !== undefined) result.catch((err: unknown) => console.error(err));
}
