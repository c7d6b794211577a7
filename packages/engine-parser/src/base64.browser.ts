// Browser build of base64.ts (picked by the client bundler for `./base64.js`): the same contract on the
// platform's btoa/atob, which ships no tables. Node keeps base64.ts, which is faster there.

// Declared here: this package compiles without the DOM lib (both exist in browsers and Node >= 16).
declare function btoa(data: string): string;
declare function atob(data: string): string;

/**
 * Encodes bytes as padded standard base64.
 * @example encodeBase64(new Uint8Array([1, 2, 3, 4])) // "AQIDBA=="
 */
export function encodeBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

/**
 * Decodes standard base64; padding is optional. Returns `null` for characters outside the
 * alphabet, misplaced padding or an impossible length, so peer input never throws.
 * @example decodeBase64("AQIDBA==") // Uint8Array [1, 2, 3, 4]
 */
export function decodeBase64(text: string, start = 0): Uint8Array | null {
  const s = text.slice(start);
  // atob forgives ASCII whitespace; base64.ts (and the server) do not.
  if (/\s/.test(s)) return null;
  try {
    return Uint8Array.from(atob(s), (c: string) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
