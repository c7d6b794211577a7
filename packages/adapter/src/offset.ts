/**
 * Offsets for connection state recovery: short, unique within the process and increasing. The
 * time part (base 36 ms, fixed width until the year 5188) keeps them unique across restarts; the
 * counter keeps them unique within one millisecond.
 */
let counter = 0;
let lastTime = 0;

/** The next offset, e.g. `mht3k2qz0`. */
export function nextOffset(): string {
  const now = Date.now();
  if (now !== lastTime) {
    lastTime = now;
    counter = 0;
  }
  return now.toString(36) + (counter++).toString(36);
}
