// At-least-once delivery with `retries` (docs/protocol.md §4): one packet in flight at a time, each re-sent until
// acknowledged or out of retries; the user's ack, if any, is error-first. The queue is the socket's `_queue`, named
// as in socket.io-client, whose own tests inspect it.
import type { Socket } from "./socket.js";
import type { AckFn, Flags, Queued } from "./socket-types.js";

/** @internal Queues one emit (`args` is the event name and its arguments, the user's ack last if any). */
export function enqueue(socket: Socket, args: unknown[], flags: Flags): void {
  const last = args[args.length - 1];
  const ack = typeof last === "function" ? (args.pop() as AckFn) : undefined;
  const item: Queued = { args, flags: { ...flags, fromQueue: true }, tries: 0, pending: false };
  args.push((err: unknown, ...res: unknown[]) => {
    if (item !== socket._queue[0]) return; // a late answer to an earlier try
    if (err !== null && err !== undefined) {
      if (item.tries > (socket.opts.retries as number)) {
        socket._queue.shift();
        ack?.(err);
      }
    } else {
      socket._queue.shift();
      ack?.(null, ...res);
    }
    item.pending = false;
    drainQueue(socket);
  });
  socket._queue.push(item);
  drainQueue(socket);
}

/** @internal Sends the head of the queue unless it is in flight (`force`: re-send it, after a reconnection). */
export function drainQueue(socket: Socket, force = false): void {
  const item = socket._queue[0];
  if (!item || (item.pending && !force) || !socket.connected) return;
  item.pending = true;
  item.tries++;
  socket.flags = item.flags;
  (socket.emit as (ev: string, ...a: unknown[]) => Socket)(...(item.args as [string, ...unknown[]]));
}
