// The one place where the Redis adapter writes to the console: failures that happen in the
// background (subscribing, encoding a message to publish) with no caller to receive them.

const PREFIX = "[switchboard/redis-adapter]";

/** @internal Reports an error nobody awaits, as `console.error("[switchboard/redis-adapter] <what>:", err)`. */
export function reportError(what: string, err: unknown): void {
  console.error(`${PREFIX} ${what}:`, err);
}
