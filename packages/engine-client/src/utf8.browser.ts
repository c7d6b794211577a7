// Browser build of utf8.ts: the platform's encoder gives the same count (lone surrogates as U+FFFD).

const encoder = new TextEncoder();

/** UTF-8 length of `text`; a lone surrogate counts as U+FFFD (3 bytes), as it is sent. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
