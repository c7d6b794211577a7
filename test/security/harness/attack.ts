// The frame every attack runs in: innocent clients and a baseline before, the innocents' round trips during,
// and after it: the server is still up with no uncaught error, the innocents were not harmed, fresh clients
// connect over both transports, and every counter returns to the baseline (a bounded poll over IPC).
import { expect } from "vitest";
import type { Health, ServerChild } from "./child.js";
import { freshClientWorks, Innocents } from "./innocents.js";
import { opened } from "./raw.js";
import { pollUntil } from "./wait.js";

export interface AttackOptions {
  /** Fail if the heap (after gc) grew by more than this many bytes over the baseline. */
  maxHeapGrowth?: number;
  /** Bound on the counters' return to the baseline, in ms. Default 10 s. */
  settleMs?: number;
}

export interface AttackReport {
  baseline: Health;
  after: Health;
  /** heapUsed after gc, before and after the attack (only with `maxHeapGrowth`). */
  heapBefore?: number;
  heapAfter?: number;
}

/**
 * What differs between `now` and `base`: engine sessions, sockets per namespace, adapter rooms/sids and
 * http.Server listeners must be equal; timers must not outnumber the baseline; no uncaught error and no
 * new process warning (a MaxListenersExceededWarning is a leak).
 */
export function differences(now: Health, base: Health): string[] {
  const out: string[] = [];
  const same = (what: string, a: number, b: number): void => {
    if (a !== b) out.push(`${what}: ${a} (baseline ${b})`);
  };
  const atMost = (what: string, a: number, b: number): void => {
    if (a > b) out.push(`${what}: ${a} (baseline ${b})`);
  };
  same("engine sessions", now.clientsCount, base.clientsCount);
  for (const nsp of new Set([...Object.keys(now.namespaces), ...Object.keys(base.namespaces)])) {
    same(`sockets in ${nsp}`, now.namespaces[nsp] ?? 0, base.namespaces[nsp] ?? 0);
  }
  for (const nsp of new Set([...Object.keys(now.adapters), ...Object.keys(base.adapters)])) {
    same(`rooms in ${nsp}`, now.adapters[nsp]?.rooms ?? 0, base.adapters[nsp]?.rooms ?? 0);
    same(`sids in ${nsp}`, now.adapters[nsp]?.sids ?? 0, base.adapters[nsp]?.sids ?? 0);
  }
  atMost("pending timers", now.timers.live, base.timers.live);
  atMost("ref'd timers", now.timers.ref, base.timers.ref);
  atMost("active Timeout resources", now.resources["Timeout"] ?? 0, base.resources["Timeout"] ?? 0);
  for (const ev of new Set([...Object.keys(now.listeners), ...Object.keys(base.listeners)])) {
    same(`http.Server "${ev}" listeners`, now.listeners[ev] ?? 0, base.listeners[ev] ?? 0);
  }
  if (now.errors.length > 0)
    out.push(`uncaught errors: ${now.errors.map((e) => e.message).join("; ")}`);
  if (now.warnings.length > base.warnings.length)
    out.push(`new warnings: ${now.warnings.slice(base.warnings.length).join("; ")}`);
  return out;
}

/** Polls the child's health until it matches `base` (see `differences`), within `ms`. */
export async function waitForBaseline(
  child: ServerChild,
  base: Health,
  ms = 10_000,
): Promise<Health> {
  let last: Health | undefined;
  await pollUntil(
    async () => {
      child.assertAlive();
      last = await child.health();
      const diff = differences(last, base);
      return diff.length === 0 ? undefined : diff.join(", ");
    },
    "the server's counters to return to the baseline",
    ms,
  );
  return last!;
}

function crashAware(child: ServerChild, err: unknown): Error {
  if (!child.alive || child.fatals.length > 0) {
    const during = String((err as Error)?.message ?? err).split("\n")[0];
    return new Error(
      `the server crashed under attack (noticed while: ${during}): ${child.describeDeath()}`,
    );
  }
  return err as Error;
}

/**
 * Runs `attack` against `child` inside the checks described at the top of this file. The attack gets the
 * index of the first child event recorded during it (for `child.waitForEvent(..., from)`). Connections the
 * attack opened through the harness are destroyed once it returns (or throws).
 */
export async function underAttack(
  child: ServerChild,
  attack: (eventsFrom: number) => Promise<void>,
  opts: AttackOptions = {},
): Promise<AttackReport> {
  child.assertAlive();
  const innocents = await Innocents.connect(child.port);
  try {
    const baseline = await child.health();
    const heapBefore =
      opts.maxHeapGrowth !== undefined ? (await child.memory()).heapUsed : undefined;
    innocents.startPulse();
    try {
      await attack(child.events.length);
    } catch (err) {
      throw crashAware(child, err);
    } finally {
      opened.destroyAll();
    }
    try {
      await innocents.stopPulse();
      child.assertAlive();
      await innocents.assertUnharmed();
      await freshClientWorks(child.port, "polling");
      await freshClientWorks(child.port, "websocket");
      const after = await waitForBaseline(child, baseline, opts.settleMs);
      let heapAfter: number | undefined;
      if (heapBefore !== undefined) {
        heapAfter = (await child.memory()).heapUsed;
        if (heapAfter - heapBefore > opts.maxHeapGrowth!) {
          throw new Error(
            `heap grew by ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB (limit ${(opts.maxHeapGrowth! / 1e6).toFixed(1)} MB)`,
          );
        }
      }
      child.assertAlive();
      // SB_SECURITY_FIGURES=1 prints what each attack cost (for reports; the tests assert bounds, not figures).
      if (process.env["SB_SECURITY_FIGURES"]) {
        const heap =
          heapBefore === undefined
            ? ""
            : `, heap ${(heapBefore / 1e6).toFixed(1)} -> ${(heapAfter! / 1e6).toFixed(1)} MB`;
        console.log(
          `${expect.getState().currentTestName}: sessions ${after.clientsCount}, timers ${after.timers.live}${heap}`,
        );
      }
      return { baseline, after, heapBefore, heapAfter };
    } catch (err) {
      throw crashAware(child, err);
    }
  } finally {
    innocents.close();
    opened.destroyAll();
  }
}
