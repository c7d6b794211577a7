// The contract object: the definition, and the validators both ends call into, so that neither the server nor the
// client carries validation code of its own (the browser bundle grows by the few calls only).
import { LOG, createDebug } from "#log";
import { ContractError, ContractErrorCode, ContractValidationError } from "./errors.js";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { MAX_ISSUES, normaliseIssues, type ContractIssue } from "./issues.js";
import { inOrder } from "./order.js";
import type {
  ContractDefinition,
  ContractTypes,
  EventSchemas,
  OpenEvents,
  ReceiverEvents,
  SenderEvents,
} from "./types.js";
import {
  checkArgs,
  isPromise,
  parseAck,
  parseArgs,
  type AckResult,
  type CompiledEvent,
  type Verdict,
} from "./validate.js";

const debug = /* @__PURE__ */ createDebug("switchboard:contract");

/** Which way an event goes. */
export type Direction = "clientToServer" | "serverToClient";

/** The client's contract options (`io(url, { contract, validateOutgoing, onInvalid })`). */
export interface ClientContractOptions {
  /** `false` skips validating emits (e.g. in production). Default `true`. */
  validateOutgoing?: boolean;
  /**
   * Called with each incoming event dropped because it failed validation, and with each ack answer that failed
   * the `ack` schema when the callback is not error-first (a plain `emit(…, callback)`), which is then not called.
   */
  onInvalid?: (event: string, issues: readonly ContractIssue[]) => void;
  /** The socket's `retries` (read: queued emits are wrapped when they go out). */
  retries?: number;
  /** The socket's `ackTimeout` (read: it makes ack callbacks error-first). */
  ackTimeout?: number;
}

/** The client's flags of one emit, as far as acks are concerned. */
export interface EmitFlags {
  timeout?: number;
  volatile?: boolean;
  withError?: boolean;
  fromQueue?: boolean;
}

/** A callback awaiting an acknowledgement. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ack callbacks take whatever the peer sent
export type AckCallback = (...args: any[]) => void;

/**
 * A contract's run-time side, which `@switchboard/server` and `@switchboard/client` call. Not needed by
 * applications, but usable by any other transport.
 */
export interface ContractRuntime {
  /** Whether events outside the contract are refused. */
  readonly strict: boolean;
  /** Whether `event` is declared in `direction`. */
  has(direction: Direction, event: string): boolean;
  /** Whether `event` declares an `ack` schema. */
  hasAck(direction: Direction, event: string): boolean;
  /**
   * Validates a received `[event, ...args]` (a trailing function, the ack callback, is left alone) and replaces
   * each argument with its schema's output. `undefined` when valid; asynchronous schemas give a promise.
   */
  parse(direction: Direction, data: unknown[]): Verdict | Promise<Verdict>;
  /** Throws `EMIT_VALIDATION_ERROR` if `[event, ...args]` fails a synchronous schema. Changes nothing. */
  assertEmit(direction: Direction, data: readonly unknown[]): void;
  /** Validates the value passed to the acknowledgement of `event` (`{ value }` or the error). */
  parseAck(direction: Direction, event: string, value: unknown): AckResult | Promise<AckResult>;
  /** Client: validates an incoming event, then `deliver`s it, in order; invalid ones go to `onInvalid`. */
  receive(opts: ClientContractOptions, data: unknown[], deliver: (data: unknown[]) => void): void;
  /**
   * Wraps `fn`, the callback awaiting the answer to an emit of `event` (sent `direction`): the answer is parsed
   * against the event's `ack` schema and `fn` gets the output. An answer that fails (or the peer's own refusal,
   * `{ error: { code, … } }`) becomes a ContractValidationError: an error-first `fn` gets it as its error, else it
   * goes to `onInvalid` and `fn` is not called. `fn` itself when the event declares no `ack`.
   */
  answer(
    direction: Direction,
    event: string,
    fn: AckCallback,
    errorFirst: boolean,
    onInvalid: (err: ContractValidationError) => void,
  ): AckCallback;
  /**
   * Client: `assertEmit` of `[event, ...args, callback?]` unless `validateOutgoing` is `false`, and the callback
   * replaced by its {@link ContractRuntime.answer} wrapper.
   */
  emitting(opts: ClientContractOptions, data: unknown[], flags: EmitFlags): void;
}

/** A contract made by {@link defineContract}: the definition, its types for both ends, and its validators. */
export interface Contract<
  C extends EventSchemas = EventSchemas,
  S extends EventSchemas = EventSchemas,
  Strict extends boolean = true,
> extends ContractRuntime {
  readonly clientToServer: C;
  readonly serverToClient: S;
  /** Types only: the server's listen and emit event maps (open to any other event with `strict: false`). */
  readonly "~server"?: ContractTypes<
    OpenEvents<ReceiverEvents<C>, Strict>,
    OpenEvents<SenderEvents<S>, Strict>
  >;
  /** Types only: the client's listen and emit event maps (open to any other event with `strict: false`). */
  readonly "~client"?: ContractTypes<
    OpenEvents<ReceiverEvents<S>, Strict>,
    OpenEvents<SenderEvents<C>, Strict>
  >;
}

/** Any contract. */
export type AnyContract = ContractRuntime;

/**
 * Declares the events of both ends with Standard Schema schemas (zod, valibot, arktype, …). Give the result to
 * `new Server(http, { contract })`, `io.of(name).contract(c)` and `io(url, { contract })`.
 *
 * @example
 * ```ts
 * const chat = defineContract({
 *   clientToServer: {
 *     "chat:send": { args: [z.object({ room: z.string(), text: z.string().min(1) })], ack: z.object({ id: z.string() }) },
 *   },
 *   serverToClient: { "chat:message": { args: [z.object({ id: z.string(), text: z.string() })] } },
 * });
 * ```
 */
export function defineContract<
  const C extends EventSchemas = Record<never, never>,
  const S extends EventSchemas = Record<never, never>,
  const Strict extends boolean = true,
>(definition: ContractDefinition<C, S, Strict>): Contract<C, S, Strict> {
  return new ContractImpl(definition) as Contract<C, S, Strict>;
}

/** Whether `value` is a contract made by {@link defineContract}. */
export function isContract(value: unknown): value is Contract {
  return value instanceof ContractImpl;
}

class ContractImpl<C extends EventSchemas, S extends EventSchemas> implements Contract<C, S> {
  readonly clientToServer: C;
  readonly serverToClient: S;
  readonly strict: boolean;
  readonly #events: Record<Direction, Map<string, CompiledEvent>>;

  constructor(definition: ContractDefinition<C, S>) {
    if (typeof definition !== "object" || definition === null)
      throw new ContractError(ContractErrorCode.INVALID_CONTRACT, "a contract must be an object");
    this.clientToServer = definition.clientToServer ?? ({} as C);
    this.serverToClient = definition.serverToClient ?? ({} as S);
    this.strict = definition.strict !== false;
    this.#events = {
      clientToServer: compile("clientToServer", this.clientToServer),
      serverToClient: compile("serverToClient", this.serverToClient),
    };
  }

  has(direction: Direction, event: string): boolean {
    return this.#events[direction].has(event);
  }

  hasAck(direction: Direction, event: string): boolean {
    return this.#events[direction].get(event)?.ack !== undefined;
  }

  parse(direction: Direction, data: unknown[]): Verdict | Promise<Verdict> {
    const name = data[0] as string;
    const ev = this.#events[direction].get(name);
    if (ev === undefined)
      return this.strict
        ? new ContractValidationError(ContractErrorCode.UNKNOWN_EVENT, String(name))
        : undefined;
    const end = typeof data[data.length - 1] === "function" ? data.length - 1 : data.length;
    return parseArgs(ev, data, end, ContractErrorCode.REQUEST_VALIDATION_ERROR);
  }

  assertEmit(direction: Direction, data: readonly unknown[]): void {
    const name = data[0] as string;
    const ev = this.#events[direction].get(name);
    if (ev === undefined) {
      if (!this.strict) return;
      throw new ContractValidationError(ContractErrorCode.EMIT_VALIDATION_ERROR, String(name), [
        { path: [], message: "event not in the contract" },
      ]);
    }
    const end = typeof data[data.length - 1] === "function" ? data.length - 1 : data.length;
    const err = checkArgs(ev, data, end);
    if (err !== undefined) throw err;
  }

  parseAck(direction: Direction, event: string, value: unknown): AckResult | Promise<AckResult> {
    const ev = this.#events[direction].get(event);
    return ev?.ack === undefined ? { value } : parseAck(ev, value);
  }

  receive(opts: ClientContractOptions, data: unknown[], deliver: (data: unknown[]) => void): void {
    inOrder(opts, data, this.parse("serverToClient", data), (_, d, err) => {
      if (err === undefined) return deliver(d);
      if (LOG) debug("dropping invalid event %s: %s", err.event, err.code);
      opts.onInvalid?.(err.event, err.issues);
    });
  }

  answer(
    direction: Direction,
    event: string,
    fn: AckCallback,
    errorFirst: boolean,
    onInvalid: (err: ContractValidationError) => void,
  ): AckCallback {
    const ev = this.#events[direction].get(event);
    if (ev?.ack === undefined) return fn;
    return function (this: unknown, ...args: unknown[]): void {
      // A timeout or a disconnection: nothing to validate.
      if (errorFirst && args[0]) return fn.call(this, args[0]);
      const value = errorFirst ? args[1] : args[0];
      const done = (r: AckResult): void => {
        if (!(r instanceof ContractValidationError))
          return errorFirst ? fn.call(this, null, r.value) : fn.call(this, r.value);
        // Only a server refuses by answering an ack: a client's answer shaped like a refusal is just invalid.
        const err = (direction === "clientToServer" ? peerError(event, value) : undefined) ?? r;
        if (LOG) debug("refusing the answer to %s: %s", event, err.code);
        if (errorFirst) fn.call(this, err);
        else onInvalid(err);
      };
      const result = parseAck(ev, value);
      if (isPromise(result)) void result.then(done);
      else done(result);
    };
  }

  emitting(opts: ClientContractOptions, data: unknown[], flags: EmitFlags): void {
    if (opts.validateOutgoing !== false) this.assertEmit("clientToServer", data);
    const last = data.length - 1;
    const fn = data[last];
    // With `retries` the emit is queued, then emitted again (`fromQueue`) with the queue's callback: wrapped then.
    if (
      typeof fn !== "function" ||
      ((opts.retries ?? 0) > 0 && !flags.fromQueue && !flags.volatile)
    )
      return;
    const errorFirst =
      !!(flags.fromQueue || flags.withError) || (flags.timeout ?? opts.ackTimeout) !== undefined;
    data[last] = this.answer(
      "clientToServer",
      data[0] as string,
      fn as AckCallback,
      errorFirst,
      (err) => opts.onInvalid?.(err.event, err.issues),
    );
  }
}

/** The peer refused the request itself (`{ error: { code, event, issues } }`): that error, typed. */
function peerError(event: string, value: unknown): ContractValidationError | undefined {
  const error = (value as { error?: { code?: unknown; issues?: unknown } } | null)?.error;
  const code = error?.code;
  if (
    code !== ContractErrorCode.REQUEST_VALIDATION_ERROR &&
    code !== ContractErrorCode.UNKNOWN_EVENT &&
    code !== ContractErrorCode.RESPONSE_VALIDATION_ERROR
  )
    return undefined;
  // The peer's issues, bounded and normalised like our own (never trusted as they came).
  const raw: unknown[] = Array.isArray(error?.issues) ? error.issues.slice(0, MAX_ISSUES) : [];
  const issues = raw.filter(
    (i): i is StandardSchemaV1.Issue => typeof i === "object" && i !== null,
  );
  return new ContractValidationError(code, event, normaliseIssues(issues, undefined));
}

function compile(direction: Direction, events: EventSchemas): Map<string, CompiledEvent> {
  const map = new Map<string, CompiledEvent>();
  if (typeof events !== "object" || events === null) invalid(`${direction} must be an object`);
  for (const name of Object.keys(events)) {
    const ev = events[name]!;
    if (typeof ev !== "object" || ev === null || !Array.isArray(ev.args))
      invalid(`${direction}["${name}"] needs an "args" array`);
    for (const schema of ev.args)
      if (!isSchema(schema)) invalid(`${direction}["${name}"].args holds a non-Standard Schema`);
    if (ev.ack !== undefined && !isSchema(ev.ack))
      invalid(`${direction}["${name}"].ack is not a Standard Schema`);
    map.set(name, { name, args: [...ev.args], ack: ev.ack });
  }
  return map;
}

function isSchema(value: unknown): boolean {
  const std = (value as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  return typeof std?.validate === "function";
}

function invalid(message: string): never {
  throw new ContractError(ContractErrorCode.INVALID_CONTRACT, message);
}
