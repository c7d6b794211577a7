// UTF-8 length of a string. Browser builds pick utf8.browser.ts (TextEncoder, no code of our own).

/**
 * UTF-8 length of `text` without encoding it; a lone surrogate counts as U+FFFD (3 bytes), as it is sent.
 * @example utf8Length("é✓😀") // 9
 */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        n += 4; // surrogate pair
        i++;
      } else n += 3; // lone high surrogate
    } else n += 3;
  }
  return n;
}
