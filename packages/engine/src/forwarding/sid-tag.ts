// Session ids that name their owner (issue #16, docs/scaling.md): a node with forwarding on prefixes the
// ids it creates with its tag, so any node can tell, from the id alone, which peer holds a session.
import type { IncomingMessage } from "node:http";
import { randomBytes } from "node:crypto";

/** Characters of a node's tag (base64url, 36 bits: collisions are settled by the directory's claim). */
export const TAG_LENGTH = 6;
/** Length of a tagged session id: the tag plus a default 20-character id. */
export const TAGGED_SID_LENGTH = 26;
/**
 * Header a relay adds to what it forwards: a request carrying it is never forwarded again, so two
 * nodes with stale views of the directory cannot bounce a request between them.
 */
export const HOP_HEADER = "x-switchboard-hop";

const TAG = /^[A-Za-z0-9_-]{6}$/;

/** @internal A fresh random tag. */
export function randomTag(): string {
  return randomBytes(5).toString("base64url").slice(0, TAG_LENGTH);
}

/** @internal Whether `tag` has the shape of a tag (it comes from a peer or a client). */
export function isTag(tag: string): boolean {
  return TAG.test(tag);
}

/** @internal The owner's tag in a session id, or null when the id is not a tagged one. */
export function ownerTag(sid: string): string | null {
  if (sid.length !== TAGGED_SID_LENGTH) return null;
  const tag = sid.slice(0, TAG_LENGTH);
  return TAG.test(tag) ? tag : null;
}

/**
 * @internal Removes the hop marker from a request, so middlewares and `allowRequest` see the client's
 * headers (plus `x-forwarded-for`); true when it was there.
 */
export function stripHopMarker(req: IncomingMessage): boolean {
  const headers = req.headers;
  if (headers[HOP_HEADER] === undefined) return false;
  delete headers[HOP_HEADER];
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2)
    if (raw[i]!.toLowerCase() === HOP_HEADER) raw.splice(i, 2);
  return true;
}
