// At-least-once delivery with `retries` (docs/protocol.md §4): one packet in flight at a time, each re-sent until
// acknowledged or out of retries; the user's ack, if any, is error-first. The queue is the socket's `_queue`, named
// as in socket.io-client, whose own tests inspect it.
import type { Socket } from "./socket.js";
import type { AckFn, Flags, Queued } from "./socket-types.js";

/** @internal Queues one emit (`args` is the event name and its arguments, the user's ack last if any). */
export function enqueue(socket: Socket, args: unknown[], flags: Flags): void {
  const last = args[args.length - 1];
  const ack = typeof last === "function" ? (args.pop() as AckFn) : undefined;
  const item: Queued = [args, { ...flags, fromQueue: true }, 0, false];
  args.push((err: unknown, ...res: unknown[]) => {
    if (item !== socket._queue[0]) return; // a late answer to an earlier try
    if (err !== null && err !== undefined) {
      if (item[2] > (socket.opts.retries as number)) {
        socket._queue.shift();
        ack?.(err);
      }
    } else {
      socket._queue.shift();
      ack?.(null, ...res);
    }
    item[3] = false; // pending
    drainQueue(socket);
  });
  socket._queue.push(item);
  drainQueue(socket);
}

/** @internal Sends the head of the queue unless it is in flight (`force`: re-send it, after a reconnection). */
export function drainQueue(socket: Socket, force = false): void {
  const item = socket._queue[0];
  if (!item || (item[3] && !force) || !socket.connected) return;
  item[3] = true; // pending
  item[2]++; // tries
  socket.flags = item[1];
  (socket.emit as (ev: string, ...a: unknown[]) => Socket)(...(item[0] as [string, ...unknown[]]));
}
