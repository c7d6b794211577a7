import type { Adapter, RemoteSocketDetails, Room, SocketId } from "@switchboard/adapter";
import type {
  DecorateAcknowledgements,
  EventNames,
  EventParams,
  EventsMap,
  TypedEventBroadcaster,
} from "@switchboard/emitter";
import type { BroadcastOperator } from "./broadcast-operator.js";
import type { Handshake } from "./handshake.js";
import { roomList } from "./rooms.js";

/**
 * A socket as seen by `fetchSockets()` when it lives on another node: its data, and the
 * operations that go through the adapter.
 *
 * @example
 * ```ts
 * for (const socket of await io.fetchSockets()) socket.emit("hello");
 * ```
 */
export class RemoteSocket<
  EmitEvents extends EventsMap,
  SocketData,
> implements TypedEventBroadcaster<EmitEvents> {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: Set<Room>;
  readonly data: SocketData;
  readonly #operator: BroadcastOperator<EmitEvents, SocketData>;
  readonly #adapter: Adapter;

  /** @internal `operator` targets this socket alone, expecting a single response (built by the caller: no import cycle). */
  constructor(
    adapter: Adapter,
    details: RemoteSocketDetails,
    operator: BroadcastOperator<EmitEvents, SocketData>,
  ) {
    this.#adapter = adapter;
    this.id = details.id;
    this.handshake = details.handshake as Handshake;
    this.rooms = new Set(details.rooms ?? []);
    this.data = details.data as SocketData;
    this.#operator = operator;
  }

  /** Emit to this socket. */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    return this.#operator.emit(ev, ...args);
  }

  /** Wait at most `timeout` ms for the acknowledgement of the next emit. */
  timeout(timeout: number): BroadcastOperator<DecorateAcknowledgements<EmitEvents>, SocketData> {
    return this.#operator.timeout(timeout) as never;
  }

  /** Join rooms. */
  join(room: Room | Room[]): void {
    this.#adapter.addSockets({ rooms: new Set([this.id]) }, roomList(room));
  }

  /** Leave rooms. */
  leave(room: Room | Room[]): void {
    this.#adapter.delSockets({ rooms: new Set([this.id]) }, roomList(room));
  }

  /** Disconnect (with `close`, also close the underlying connection). */
  disconnect(close = false): this {
    this.#adapter.disconnectSockets({ rooms: new Set([this.id]) }, close);
    return this;
  }
}
