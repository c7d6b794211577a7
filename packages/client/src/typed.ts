import type {
  EventsMap,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "@switchboard/emitter";

/**
 * The listener half of the emitter, as the client Socket exposes it. The Socket's `emit` sends to the server
 * and returns the socket (socket.io-client's contract), so it cannot inherit the emitter's `emit`; this
 * interface keeps every other method with a polymorphic `this`.
 */
export interface ListenerApi<L extends EventsMap, R extends EventsMap> {
  on<Ev extends ReservedOrUserEventNames<R, L>>(
    ev: Ev,
    listener: ReservedOrUserListener<R, L, Ev>,
  ): this;
  addListener<Ev extends ReservedOrUserEventNames<R, L>>(
    ev: Ev,
    listener: ReservedOrUserListener<R, L, Ev>,
  ): this;
  prependListener<Ev extends ReservedOrUserEventNames<R, L>>(
    ev: Ev,
    listener: ReservedOrUserListener<R, L, Ev>,
  ): this;
  once<Ev extends ReservedOrUserEventNames<R, L>>(
    ev: Ev,
    listener: ReservedOrUserListener<R, L, Ev>,
  ): this;
  prependOnceListener<Ev extends ReservedOrUserEventNames<R, L>>(
    ev: Ev,
    listener: ReservedOrUserListener<R, L, Ev>,
  ): this;
  off<Ev extends ReservedOrUserEventNames<R, L>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<R, L, Ev>,
  ): this;
  removeListener<Ev extends ReservedOrUserEventNames<R, L>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<R, L, Ev>,
  ): this;
  removeAllListeners<Ev extends ReservedOrUserEventNames<R, L>>(ev?: Ev): this;
  listeners<Ev extends ReservedOrUserEventNames<R, L>>(ev: Ev): ReservedOrUserListener<R, L, Ev>[];
  listenerCount<Ev extends ReservedOrUserEventNames<R, L>>(ev: Ev): number;
  hasListeners<Ev extends ReservedOrUserEventNames<R, L>>(ev: Ev): boolean;
}
