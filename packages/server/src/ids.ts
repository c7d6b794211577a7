import { randomBytes } from "node:crypto";

/**
 * A random, unguessable id: 15 bytes as 20 base64url characters, the shape of Socket.IO's ids.
 * Used for socket ids and private session ids.
 * @internal
 */
export function generateId(): string {
  return randomBytes(15).toString("base64url");
}
