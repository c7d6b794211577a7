/** `list` rotated left by `round - 1` (round is 1-based): each server goes first equally often. */
export function roundOrder<T>(list: readonly T[], round: number): T[];
