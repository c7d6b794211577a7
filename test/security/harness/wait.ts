// Bounded waiting: every wait in the suite has a limit, and a limit is a hang detector, never a speed claim.

/** Resolves like `p`, or rejects after `ms` naming what was awaited. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, expiry]).finally(() => clearTimeout(timer));
}

/**
 * Calls `probe` every `stepMs` until it returns `undefined` (done) or `ms` passed; then fails with the last
 * string it returned (what is still wrong). For counters read over IPC, where no event says "done".
 */
export async function pollUntil(
  probe: () => Promise<string | undefined>,
  what: string,
  ms = 10_000,
  stepMs = 50,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const problem = await probe();
    if (problem === undefined) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}: ${problem}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
