// The one place where the adapter writes to the console: failures that have no caller left to
// receive them (a rejected adapter promise) and the documented single-node warning of socket.io.

const PREFIX = "[switchboard/adapter]";

/** @internal Reports an error nobody awaits, as `console.error("[switchboard/adapter] <what>:", err)`. */
export function reportError(what: string, err: unknown): void {
  console.error(`${PREFIX} ${what}:`, err);
}

/** @internal Reports a misuse that is not an error, as `console.warn("[switchboard/adapter] <what>")`. */
export function reportWarning(what: string): void {
  console.warn(`${PREFIX} ${what}`);
}
