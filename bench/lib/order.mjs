// The order in which the servers of one scenario run in a given round. Rotating the list each round puts every
// server first (on a fresh machine, right after the previous scenario) equally often, so a warm-up or
// cool-down effect does not always favour the same side; the two runs of a pair still share their round.

/**
 * `list` rotated left by `round - 1`: round 1 is A B C, round 2 B C A, round 3 C A B, round 4 A B C …
 * @template T
 * @param {readonly T[]} list
 * @param {number} round 1-based
 * @returns {T[]}
 */
export function roundOrder(list, round) {
  if (list.length === 0) return [];
  const shift = (((round - 1) % list.length) + list.length) % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}
