// The invariants every target checks, and the tools to check them: a typed failure, a snapshot of the built-in
// prototypes (pollution shows up as a changed snapshot), an iterative walk over decoded data (hostile depth
// cannot overflow the checker's stack) and a deep equality that sees own `__proto__` keys.

/** An invariant the decoder broke. `cause` holds what the decoder threw, when it threw. */
export class FuzzFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FuzzFailure";
  }
}

/** Short text for any thrown value: `TypeError: x is not a function`. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `non-Error thrown: ${typeof err} ${String(err)}`;
}

/** Calls `fn`; anything it throws that `typed` refuses becomes a FuzzFailure (the decoder leaked an untyped error). */
export function typedOrOk<T>(
  fn: () => T,
  typed: (err: unknown) => boolean,
  what: string,
): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (!typed(err))
      throw new FuzzFailure(`${what} threw an untyped error: ${describeError(err)}`, {
        cause: err,
      });
    return { ok: false, error: err };
  }
}

// ---- prototype pollution ------------------------------------------------------------------------------------

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;

/** The prototypes a decoder could reach through `__proto__`/`constructor.prototype` paths. */
const WATCHED: ReadonlyArray<readonly [string, object]> = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Number.prototype", Number.prototype],
  ["Boolean.prototype", Boolean.prototype],
  ["Date.prototype", Date.prototype],
  ["Error.prototype", Error.prototype],
  ["ArrayBuffer.prototype", ArrayBuffer.prototype],
  ["TypedArray.prototype", TypedArrayPrototype],
  ["Uint8Array.prototype", Uint8Array.prototype],
  ["Buffer.prototype", Buffer.prototype],
  ["Map.prototype", Map.prototype],
  ["Set.prototype", Set.prototype],
];

type Snapshot = Map<PropertyKey, PropertyDescriptor>;

interface Saved {
  readonly name: string;
  readonly target: object;
  readonly proto: object | null;
  readonly props: Snapshot;
}

function snapshotOf(target: object): Snapshot {
  const props: Snapshot = new Map();
  for (const key of Reflect.ownKeys(target))
    props.set(key, Object.getOwnPropertyDescriptor(target, key)!);
  return props;
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean {
  return (
    b !== undefined &&
    a.value === b.value &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

/**
 * The built-in prototypes as they were when the guard was made. `check()` names what changed since; `restore()`
 * undoes it, so that one polluting input does not fail every later batch.
 *
 * @example
 * const guard = new PrototypeGuard();
 * runBatch();
 * const changes = guard.check(); // [] when nothing was written to a prototype
 */
export class PrototypeGuard {
  readonly #saved: Saved[] = WATCHED.map(([name, target]) => ({
    name,
    target,
    proto: Object.getPrototypeOf(target) as object | null,
    props: snapshotOf(target),
  }));

  /** What changed, as readable lines; empty when the prototypes are as they were. */
  check(): string[] {
    const changes: string[] = [];
    for (const { name, target, proto, props } of this.#saved) {
      if (Object.getPrototypeOf(target) !== proto) changes.push(`${name} has a new prototype`);
      for (const key of Reflect.ownKeys(target)) {
        if (!props.has(key)) changes.push(`${name} gained own key ${String(key)}`);
      }
      for (const [key, desc] of props) {
        if (!sameDescriptor(desc, Object.getOwnPropertyDescriptor(target, key)))
          changes.push(`${name}.${String(key)} changed`);
      }
    }
    // Belt and braces: what user code would observe.
    const probe = {} as Record<string, unknown>;
    if (probe.polluted !== undefined) changes.push("({}).polluted is defined");
    for (const key in probe) changes.push(`({}) has an inherited enumerable key ${key}`);
    for (const key in []) changes.push(`[] has an inherited enumerable key ${key}`);
    return changes;
  }

  /** Puts every watched prototype back as it was (best effort: a frozen prototype cannot be repaired). */
  restore(): void {
    for (const { target, proto, props } of this.#saved) {
      try {
        if (Object.getPrototypeOf(target) !== proto) Object.setPrototypeOf(target, proto);
        for (const key of Reflect.ownKeys(target))
          if (!props.has(key)) delete (target as Record<PropertyKey, unknown>)[key];
        for (const [key, desc] of props) {
          if (!sameDescriptor(desc, Object.getOwnPropertyDescriptor(target, key)))
            Object.defineProperty(target, key, desc);
        }
      } catch {
        // Left as is: check() keeps reporting it.
      }
    }
  }
}

// ---- decoded data -------------------------------------------------------------------------------------------

/** ArrayBuffer, any view (Buffer, typed arrays, DataView). */
export function isBinaryValue(value: unknown): boolean {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

export interface PlainDataOptions {
  /** Accept objects with a null prototype. */
  allowNullProto?: boolean;
  /** Refuse objects with an own `__proto__` key (decoders that drop the key). */
  noProtoKey?: boolean;
}

/**
 * Visits every object in `root` (iteratively). `leaf(obj)` returns true for objects to accept without looking
 * inside (binary, Date). Every other object must be a plain array or a plain object whose prototype is
 * `Object.prototype` (or null when `allowNullProto`): a `__proto__` key that reached the prototype shows up here.
 * Returns how many container levels deep the data goes (0 for a primitive or a leaf).
 */
export function checkPlainData(
  root: unknown,
  leaf: (obj: object) => boolean,
  where: string,
  opts: PlainDataOptions = {},
): number {
  const stack: Array<[unknown, number]> = [[root, 1]];
  let deepest = 0;
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null) {
      if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
        throw new FuzzFailure(`${where}: decoded a ${typeof value}`);
      }
      continue;
    }
    if (leaf(value)) continue;
    if (seen.has(value)) continue; // shared nodes are legal (a reviver may make them); cycles must not loop
    seen.add(value);
    if (depth > deepest) deepest = depth;
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      if (proto !== Array.prototype)
        throw new FuzzFailure(`${where}: an array with a foreign prototype`);
      for (let i = 0; i < value.length; i++) stack.push([value[i], depth + 1]);
      continue;
    }
    if (proto !== Object.prototype && !(opts.allowNullProto === true && proto === null)) {
      throw new FuzzFailure(
        `${where}: an object whose prototype is not Object.prototype (${describeProto(proto)})`,
      );
    }
    if (opts.noProtoKey === true && Object.hasOwn(value, "__proto__"))
      throw new FuzzFailure(`${where}: an object with an own __proto__ key`);
    for (const key of Object.keys(value))
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
  }
  return deepest;
}

function describeProto(proto: unknown): string {
  if (proto === null) return "null";
  try {
    return `own keys ${JSON.stringify(
      Reflect.ownKeys(proto as object)
        .map(String)
        .slice(0, 8),
    )}`;
  } catch {
    return "unprintable";
  }
}

/**
 * Structural equality for decoded data: own enumerable keys (so an own `__proto__` counts), `Object.is` for
 * numbers, binary values compared by bytes whatever their container type. Iterative.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (Object.is(x, y)) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (isBinaryValue(x) || isBinaryValue(y)) {
      if (!isBinaryValue(x) || !isBinaryValue(y) || !Buffer.from(bytesOf(x)).equals(bytesOf(y)))
        return false;
      continue;
    }
    if (x instanceof Date || y instanceof Date) {
      if (!(x instanceof Date) || !(y instanceof Date) || !Object.is(x.getTime(), y.getTime()))
        return false;
      continue;
    }
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) return false;
    for (const k of kx) {
      if (!Object.hasOwn(y, k)) return false;
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
    }
  }
  return true;
}

/** The bytes of any binary value, without copying. */
export function bytesOf(value: unknown): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("not binary");
}
