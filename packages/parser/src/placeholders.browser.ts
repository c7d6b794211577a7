// Browser build of placeholders.ts (picked by the client bundler): the same rules — only arrays and plain objects
// are walked, a placeholder is a plain object with an own `_placeholder: true` and an own integer `num` below the
// attachment count, and it is replaced with defineProperty (so a `__proto__` key stays plain data) — in one loop
// over `Object.keys` for arrays and objects, always tracking visited nodes (the server skips that without a
// reviver, as JSON.parse output has no shared nodes). The parser tests run against both builds.
import { decodeErrorOf } from "#decode-error";

type Node = Record<string, unknown>;

/** See placeholders.ts. @internal */
export function fillPlaceholders(
  data: unknown,
  attachments: readonly unknown[],
  _trackVisited?: boolean,
): unknown {
  const root = [data];
  const visited = new Set<unknown>();
  const stack: object[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    for (const key of Object.keys(node)) {
      const child = (node as Node)[key];
      if (typeof child !== "object" || child === null || visited.has(child)) continue;
      const proto: unknown = Object.getPrototypeOf(child);
      if (!Array.isArray(child) && proto !== Object.prototype && proto !== null) continue;
      if (
        Array.isArray(child) ||
        !Object.hasOwn(child, "_placeholder") ||
        (child as Node)._placeholder !== true
      ) {
        visited.add(child);
        stack.push(child);
        continue;
      }
      const num = Object.hasOwn(child, "num") ? (child as Node).num : undefined;
      // An own index of the attachments array: a non-negative integer below its length.
      if (typeof num !== "number" || !Object.hasOwn(attachments, num))
        throw decodeErrorOf("BAD_PLACEHOLDER");
      Object.defineProperty(node, key, {
        value: attachments[num],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  }
  return root[0];
}
