import { randomFillSync } from "node:crypto";

const ID_BYTES = 15;
// Random bytes are drawn for 256 ids at a time: one CSPRNG call per id cost about 5% of a
// WebSocket handshake. Every byte is used once, so ids stay as unguessable.
const pool = Buffer.alloc(ID_BYTES * 256);
let offset = pool.length;

/**
 * Default session id: 15 bytes (120 bits) from the CSPRNG as base64url, 20 characters like the
 * reference ids (docs/protocol.md §1.4). Unguessable, so a sid is also a bearer credential for polling.
 */
export function defaultGenerateId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("base64url", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
