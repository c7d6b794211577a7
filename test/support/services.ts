// What the Redis and PostgreSQL test helpers share: a free loopback port for a private server, and the
// house rule for a service a suite cannot use (skip loudly locally, fail under CI=true).
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? res(port) : rej(new Error("no free port"))));
    });
  });
}

/** `url` with its password, if any, masked for messages. */
export function maskPassword(url: string): string {
  return url.replace(/:[^:@/]*@/, ":***@");
}

/**
 * Reports what `suite` lacks: under CI=true it registers a failing test named after the suite (a missing
 * service is never silent there), otherwise it warns loudly that the suite does not run.
 */
export function reportMissing(suite: string, need: string, text: string): void {
  if (process.env["CI"] === "true") {
    describe(suite, () => it(`needs ${need} under CI`, () => expect.fail(text)));
  } else {
    console.warn(`\n!!! ${text}: NOT RUNNING ${suite} (it fails under CI=true) !!!\n`);
  }
}
