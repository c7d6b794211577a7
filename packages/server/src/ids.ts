import { randomFillSync } from "node:crypto";

const ID_BYTES = 15;
// Random bytes are drawn for 256 ids at a time: one CSPRNG call per id cost about 5% of a
// WebSocket handshake. Every byte is used once, so ids stay as unguessable.
const pool = Buffer.alloc(ID_BYTES * 256);
let offset = pool.length;

/**
 * A random, unguessable id: 15 bytes as 20 base64url characters, the shape of Socket.IO's ids.
 * Used for socket ids and private session ids.
 * @internal
 */
export function generateId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("base64url", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
