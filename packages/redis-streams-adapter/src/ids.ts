// Redis stream entry ids, `<ms>-<seq>` (docs/protocol.md §5.3): the offsets of connection state recovery.

/** Offsets a client may send: a stream id, nothing else (bounded, so parsing is cheap and exact). */
const ID = /^(\d{1,16})-(\d{1,16})$/;

/** @internal Whether `s` is a well-formed stream id. */
export function isStreamId(s: unknown): s is string {
  return typeof s === "string" && ID.test(s);
}

function parts(id: string): [bigint, bigint] {
  const m = ID.exec(id);
  if (m === null) return [0n, 0n];
  return [BigInt(m[1] as string), BigInt(m[2] as string)];
}

/** @internal Compare two stream ids: negative, zero or positive. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** @internal The smallest id of `ids`-ordered ones greater than `a`, for inclusive ranges. */
export function maxId(a: string, b: string): string {
  return compareIds(a, b) >= 0 ? a : b;
}
