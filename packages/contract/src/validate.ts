// Running the schemas of one event. On the hot path: a synchronous schema's result is the only allocation (outputs
// are written in place), and nothing of ours is allocated unless validation fails or a schema is asynchronous.
import type { StandardSchemaV1 } from "@standard-schema/spec";
import {
  ContractErrorCode,
  ContractValidationError,
  type ContractValidationCode,
} from "./errors.js";
import { issue, normaliseIssues } from "./issues.js";
import type { Schema } from "./types.js";

/** An event of the contract, ready to run. @internal */
export interface CompiledEvent {
  readonly name: string;
  readonly args: readonly Schema[];
  readonly ack: Schema | undefined;
}

/** `undefined`: valid. */
export type Verdict = ContractValidationError | undefined;

/** What a failed validation of an ack value gives; a success is the library's own result. */
export type AckResult = StandardSchemaV1.SuccessResult<unknown> | ContractValidationError;

const THREW = "schema threw while validating";
const EXTRA = "unexpected argument";

/** Schemas seen to validate asynchronously: outgoing checks skip them from then on. */
const asyncSchemas = new WeakSet<Schema>();

const noop = (): void => {};

/** @internal */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Validates `data[1..end)` (`data[0]` is the event name, `data[end]` may be the ack callback) against `ev.args` and
 * writes each output over its input. A missing argument is validated as `undefined` (optional schemas pass).
 * @internal
 */
export function parseArgs(
  ev: CompiledEvent,
  data: unknown[],
  end: number,
  code: ContractValidationCode,
): Verdict | Promise<Verdict> {
  const schemas = ev.args;
  if (end - 1 > schemas.length) return fail(ev, code, [issue([schemas.length], EXTRA)]);
  for (let i = 0; i < schemas.length; i++) {
    let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
    try {
      result = schemas[i]!["~standard"].validate(i + 1 < end ? data[i + 1] : undefined);
    } catch (err) {
      return fail(ev, code, [issue([i], THREW)], err);
    }
    if (isPromise(result)) return parseRest(ev, data, end, code, i, result);
    if (result.issues !== undefined) return fail(ev, code, normaliseIssues(result.issues, i));
    end = put(data, i + 1, end, result.value);
  }
  return undefined;
}

async function parseRest(
  ev: CompiledEvent,
  data: unknown[],
  end: number,
  code: ContractValidationCode,
  from: number,
  pending: Promise<StandardSchemaV1.Result<unknown>>,
): Promise<Verdict> {
  const schemas = ev.args;
  for (let i = from; i < schemas.length; i++) {
    let result: StandardSchemaV1.Result<unknown>;
    try {
      result =
        i === from
          ? await pending
          : await schemas[i]!["~standard"].validate(i + 1 < end ? data[i + 1] : undefined);
    } catch (err) {
      return fail(ev, code, [issue([i], THREW)], err);
    }
    if (result.issues !== undefined) return fail(ev, code, normaliseIssues(result.issues, i));
    end = put(data, i + 1, end, result.value);
  }
  return undefined;
}

/** Writes an output; a missing argument's output (a default) is inserted before the ack callback. */
function put(data: unknown[], at: number, end: number, value: unknown): number {
  if (at < end) {
    data[at] = value;
    return end;
  }
  data.splice(at, 0, value);
  return end + 1;
}

/**
 * Checks `data[1..end)` against `ev.args` without changing anything (the wire carries the input). Asynchronous
 * schemas cannot answer in time: they are skipped, and remembered so they are not run again.
 * @internal
 */
export function checkArgs(ev: CompiledEvent, data: readonly unknown[], end: number): Verdict {
  const code = ContractErrorCode.EMIT_VALIDATION_ERROR;
  const schemas = ev.args;
  if (end - 1 > schemas.length) return fail(ev, code, [issue([schemas.length], EXTRA)]);
  for (let i = 0; i < schemas.length; i++) {
    const schema = schemas[i]!;
    if (asyncSchemas.has(schema)) continue;
    let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
    try {
      result = schema["~standard"].validate(i + 1 < end ? data[i + 1] : undefined);
    } catch (err) {
      return fail(ev, code, [issue([i], THREW)], err);
    }
    if (isPromise(result)) {
      asyncSchemas.add(schema);
      result.then(noop, noop);
      continue;
    }
    if (result.issues !== undefined) return fail(ev, code, normaliseIssues(result.issues, i));
  }
  return undefined;
}

/** Validates an acknowledgement value against `ev.ack` (which must be set). @internal */
export function parseAck(ev: CompiledEvent, value: unknown): AckResult | Promise<AckResult> {
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = ev.ack!["~standard"].validate(value);
  } catch (err) {
    return ackFailure(ev, [issue([], THREW)], err);
  }
  if (!isPromise(result)) return ackResult(ev, result);
  return result.then(
    (r) => ackResult(ev, r),
    (err: unknown) => ackFailure(ev, [issue([], THREW)], err),
  );
}

function ackResult(ev: CompiledEvent, result: StandardSchemaV1.Result<unknown>): AckResult {
  return result.issues === undefined
    ? result
    : ackFailure(ev, normaliseIssues(result.issues, undefined));
}

function ackFailure(
  ev: CompiledEvent,
  issues: ReturnType<typeof normaliseIssues>,
  cause?: unknown,
): ContractValidationError {
  return fail(ev, ContractErrorCode.RESPONSE_VALIDATION_ERROR, issues, cause);
}

function fail(
  ev: CompiledEvent,
  code: ContractValidationCode,
  issues: ReturnType<typeof normaliseIssues>,
  cause?: unknown,
): ContractValidationError {
  return new ContractValidationError(
    code,
    ev.name,
    issues,
    cause === undefined ? undefined : { cause },
  );
}
