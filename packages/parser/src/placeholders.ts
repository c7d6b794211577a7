// Decode side of binary support (docs/protocol.md §2.3): putting the received attachments where the
// placeholders of the JSON part stand.
import { BAD_PLACEHOLDER } from "./errors.js";
import { decodeError } from "#decode-error";

type Node = Record<string, unknown> | unknown[];

/** Walked containers: arrays and plain objects, the only objects JSON.parse makes (a reviver may make more). */
function isContainer(value: unknown): value is Node {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An own `_placeholder: true` marks a placeholder; inherited properties never do. */
function isPlaceholder(value: object): boolean {
  return (
    Object.hasOwn(value, "_placeholder") &&
    (value as { _placeholder?: unknown })._placeholder === true
  );
}

function resolve(placeholder: object, attachments: readonly unknown[]): unknown {
  const num = Object.hasOwn(placeholder, "num")
    ? (placeholder as { num?: unknown }).num
    : undefined;
  if (typeof num === "number" && Number.isInteger(num) && num >= 0 && num < attachments.length) {
    return attachments[num];
  }
  throw decodeError(BAD_PLACEHOLDER);
}

/**
 * Replaces, in place, every placeholder of `data` (the freshly parsed payload, owned by the decoder) with its
 * attachment and returns the result. Iterative, so hostile nesting depth cannot overflow the stack.
 *
 * No prototype pollution: only own enumerable keys are visited, and a placeholder is replaced with
 * `defineProperty`, so a `__proto__` key stays an own data property and never reaches the
 * `Object.prototype.__proto__` setter. `trackVisited` guards against cycles and shared nodes, which only a user
 * reviver can create.
 */
export function fillPlaceholders(
  data: unknown,
  attachments: readonly unknown[],
  trackVisited: boolean,
): unknown {
  // Walked from a holder, so that a placeholder standing for the whole payload is replaced like any other.
  const root: unknown[] = [data];
  const visited = trackVisited ? new Set<Node>() : undefined;
  const stack: Node[] = [root];
  const visit = (node: Node, key: string | number): void => {
    const child = (node as Record<string, unknown>)[key];
    if (!isContainer(child) || visited?.has(child)) return;
    if (Array.isArray(child) || !isPlaceholder(child)) {
      visited?.add(child);
      stack.push(child);
    } else {
      const value = resolve(child, attachments);
      Object.defineProperty(node, key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  };
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) for (let i = 0; i < node.length; i++) visit(node, i);
    else for (const key of Object.keys(node)) visit(node, key);
  }
  return root[0];
}
