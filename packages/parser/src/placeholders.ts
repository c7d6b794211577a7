// Decode side of binary support (PROTOCOL.md §2.3): putting the received attachments where the
// placeholders of the JSON part stand.
import { DecodeError, DecodeErrorCode } from "./errors.js";

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
  return Object.hasOwn(value, "_placeholder") && (value as { _placeholder?: unknown })._placeholder === true;
}

function resolve(placeholder: object, attachments: readonly unknown[]): unknown {
  const num = Object.hasOwn(placeholder, "num") ? (placeholder as { num?: unknown }).num : undefined;
  if (typeof num === "number" && Number.isInteger(num) && num >= 0 && num < attachments.length) {
    return attachments[num];
  }
  throw new DecodeError(
    DecodeErrorCode.BAD_PLACEHOLDER,
    `placeholder index must be an integer in [0, ${attachments.length})`,
  );
}

function mark(visited: Set<Node> | undefined, node: Node): Node {
  visited?.add(node);
  return node;
}

/**
 * Replaces, in place, every placeholder of `data` (the freshly parsed payload, owned by the decoder) with its
 * attachment and returns the result. Iterative, so hostile nesting depth cannot overflow the stack.
 *
 * No prototype pollution: only own enumerable keys are visited, and a replaced `__proto__` key is written with
 * `defineProperty`, so it stays an own data property and never reaches the `Object.prototype.__proto__` setter.
 * `trackVisited` guards against cycles and shared nodes, which only a user reviver can create.
 */
export function fillPlaceholders(data: unknown, attachments: readonly unknown[], trackVisited: boolean): unknown {
  if (!isContainer(data)) return data;
  if (!Array.isArray(data) && isPlaceholder(data)) return resolve(data, attachments);
  const visited = trackVisited ? new Set<Node>([data]) : undefined;
  const stack: Node[] = [data];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (!isContainer(child)) continue;
        if (!Array.isArray(child) && isPlaceholder(child)) node[i] = resolve(child, attachments);
        else if (visited === undefined || !visited.has(child)) stack.push(mark(visited, child));
      }
      continue;
    }
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (!isContainer(child)) continue;
      if (!Array.isArray(child) && isPlaceholder(child)) {
        const value = resolve(child, attachments);
        if (key === "__proto__") {
          Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
        } else {
          node[key] = value;
        }
      } else if (visited === undefined || !visited.has(child)) stack.push(mark(visited, child));
    }
  }
  return data;
}
