import { randomBytes } from "node:crypto";

/**
 * Default session id: 15 bytes (120 bits) from the CSPRNG as base64url, 20 characters like the
 * reference ids (PROTOCOL.md §1.4). Unguessable, so a sid is also a bearer credential for polling.
 */
export function defaultGenerateId(): string {
  return randomBytes(15).toString("base64url");
}
