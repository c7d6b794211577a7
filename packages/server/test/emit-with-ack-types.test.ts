/**
 * socket.io 4.8.4 (#5453): `emitWithAck()` accepts events whose ack callback carries no data (`() => void`, or
 * only an error); an event without any callback is still refused. Checked by `tsc -p tsconfig.test.json`.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { Server } from "@switchboard/server";

interface ServerToClientEvents {
  done: (cb: () => void) => void;
  doneWithArg: (id: number, cb: () => void) => void;
  failed: (cb: (err: Error) => void) => void;
  noCallback: () => void;
  value: (cb: (n: number) => void) => void;
}

function typeChecks(io: Server<Record<string, never>, ServerToClientEvents>): void {
  io.on("connection", (socket) => {
    void socket.emitWithAck("done");
    void socket.emitWithAck("doneWithArg", 1);
    expectTypeOf(socket.emitWithAck("value")).resolves.toEqualTypeOf<number>();
    void socket.emitWithAck("failed");
    void socket.timeout(100).emitWithAck("done");
    // @ts-expect-error an event without a callback has no ack to wait for
    void socket.emitWithAck("noCallback");
  });
  void io.timeout(100).emitWithAck("done");
  void io.of("/admin").timeout(100).emitWithAck("doneWithArg", 2);
  void io.to("room").timeout(100).emitWithAck("done");
}

describe("emitWithAck() typing (socket.io 4.8.4)", () => {
  it("type-checks void callbacks (see typeChecks)", () => {
    expect(typeof typeChecks).toBe("function");
  });
});
