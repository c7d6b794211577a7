// Room membership of a socket: every change goes through its namespace's adapter, which owns the rooms. Joins and
// leaves are published on the `join` / `leave` diagnostics channels, one message per room the socket actually
// entered or left (as socket.io's adapter emits `join-room` / `leave-room`), only when someone subscribed.
import type { Adapter, Room, SocketId } from "@switchboard/adapter";
import { joinChannel, leaveChannel } from "./diagnostics.js";
import type { Socket } from "./socket.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- room functions serve sockets of every event map */
type AnySocket = Socket<any, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** @internal A room argument as a list (`"a"` or `["a", "b"]`). */
export function roomList(room: Room | Room[]): Room[] {
  return Array.isArray(room) ? room : [room];
}

/** @internal Adds `socket` to `rooms`. */
export function joinRooms(socket: AnySocket, rooms: Room | Room[]): Promise<void> | void {
  const adapter = socket.adapter;
  const list = roomList(rooms);
  if (!joinChannel.hasSubscribers) return adapter.addAll(socket.id, new Set(list));
  const before = adapter.socketRooms(socket.id);
  const entered = list.filter((room) => before?.has(room) !== true);
  const result = adapter.addAll(socket.id, new Set(list));
  for (const room of new Set(entered)) joinChannel.publish({ socket, nsp: socket.nsp.name, room });
  return result;
}

/** @internal Removes `socket` from `room`. */
export function leaveRoom(socket: AnySocket, room: Room): Promise<void> | void {
  const adapter = socket.adapter;
  if (!leaveChannel.hasSubscribers) return adapter.del(socket.id, room);
  const was = adapter.socketRooms(socket.id)?.has(room) === true;
  const result = adapter.del(socket.id, room);
  if (was) leaveChannel.publish({ socket, nsp: socket.nsp.name, room });
  return result;
}

/** @internal Removes `socket` from every room (it left its namespace). */
export function leaveAllRooms(socket: AnySocket): void {
  const adapter = socket.adapter;
  if (!leaveChannel.hasSubscribers) {
    adapter.delAll(socket.id);
    return;
  }
  const rooms = [...(adapter.socketRooms(socket.id) ?? [])];
  adapter.delAll(socket.id);
  for (const room of rooms) leaveChannel.publish({ socket, nsp: socket.nsp.name, room });
}

/** @internal The rooms `id` is in (a new empty set when none). */
export function roomsOf(adapter: Adapter, id: SocketId): Set<Room> {
  return adapter.socketRooms(id) ?? new Set();
}
