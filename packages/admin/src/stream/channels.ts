import { subscribe, unsubscribe } from "node:diagnostics_channel";

/** A diagnostics channel name and the subscriber to attach to it. */
export type Subscription = readonly [name: string, onMessage: (message: unknown) => void];

/**
 * Subscribe every pair; returns the function unsubscribing them all (idempotent). A subscriber runs
 * inside the server's own call (a packet, a connection), so each one must stay cheap and never throw:
 * Node would report its exception as uncaught.
 */
export function subscribeAll(subscriptions: readonly Subscription[]): () => void {
  for (const [name, fn] of subscriptions) subscribe(name, fn);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const [name, fn] of subscriptions) unsubscribe(name, fn);
  };
}
