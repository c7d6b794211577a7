/**
 * Type tests (issue #17): the event maps a contract gives `new Server(http, { contract })`, `io.of(..).contract(c)`
 * and `io(url, { contract })`. Checked by `tsc -p tsconfig.test.json`; every `@ts-expect-error` is a mistake that
 * must not compile. The runtime part only builds detached objects.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { io, type Socket as ClientSocket } from "@switchboard/client";
import { defineContract, type ContractIssue } from "@switchboard/contract";
import { Server, type Namespace } from "@switchboard/server";
import { z } from "zod";
import { transforms, zodChat } from "./fixtures.js";

const admin = defineContract({
  clientToServer: { kick: { args: [z.string(), z.number().optional()] } },
  serverToClient: { kicked: { args: [z.string()] } },
});

// Only type-checked: never called.
function serverTypes(io: Server<never>): void {
  const server = new Server({ contract: zodChat });
  server.on("connection", (socket) => {
    socket.on("chat:send", (msg, ack) => {
      expectTypeOf(msg).toEqualTypeOf<{ room: string; text: string }>();
      expectTypeOf(ack).parameter(0).toEqualTypeOf<{ id: string }>();
      ack({ id: "1" });
      // @ts-expect-error the ack value must match the ack schema
      ack({ id: 1 });
    });
    socket.on("typing", (on) => expectTypeOf(on).toEqualTypeOf<boolean>());
    // @ts-expect-error a wrong event name
    socket.on("chat:sent", () => {});
    // @ts-expect-error a wrong listener payload
    socket.on("typing", (on: string) => on);
    socket.emit("chat:message", { id: "1", from: "a", text: "hi" });
    // @ts-expect-error a wrong payload
    socket.emit("chat:message", { id: 1, from: "a", text: "hi" });
    // @ts-expect-error an ack callback on an event that declares none
    socket.emit("chat:message", { id: "1", from: "a", text: "hi" }, () => {});
    // @ts-expect-error an event of the other direction
    socket.emit("typing", true);
  });
  server.emit("chat:message", { id: "1", from: "a", text: "hi" });
  server.to("room").emit("chat:message", { id: "1", from: "a", text: "hi" });
  // @ts-expect-error a broadcast is checked too
  server.to("room").emit("chat:message", { id: "1" });

  const nsp = io.of("/admin").contract(admin);
  expectTypeOf(nsp).toMatchTypeOf<Namespace>();
  nsp.on("connection", (socket) => {
    socket.on("kick", (who, seconds) => {
      expectTypeOf(who).toEqualTypeOf<string>();
      expectTypeOf(seconds).toEqualTypeOf<number | undefined>();
    });
    socket.emit("kicked", "bob");
    // @ts-expect-error not in this namespace's contract
    socket.emit("chat:message", { id: "1", from: "a", text: "hi" });
  });

  // Transforms and defaults: handlers get outputs; the ack takes the ack schema's input.
  const t = new Server({ contract: transforms });
  t.on("connection", (socket) => {
    socket.on("add", (n, step, ack) => {
      expectTypeOf(n).toEqualTypeOf<number>();
      expectTypeOf(step).toEqualTypeOf<number>();
      ack(n + step);
    });
    // Emits take the input type (a string, not the Date the client's handler gets).
    socket.emit("when", new Date().toISOString());
    // @ts-expect-error the input type, not the output
    socket.emit("when", new Date());
  });
}

function clientTypes(): void {
  const socket = io("http://localhost", {
    contract: zodChat,
    onInvalid: (event, issues) => {
      expectTypeOf(event).toEqualTypeOf<string>();
      expectTypeOf(issues).toEqualTypeOf<readonly ContractIssue[]>();
    },
  });
  socket.on("chat:message", (msg) => {
    expectTypeOf(msg).toEqualTypeOf<{ id: string; from: string; text: string }>();
  });
  // @ts-expect-error a wrong event name
  socket.on("chat:msg", () => {});
  socket.emit("typing", true);
  // @ts-expect-error a wrong payload
  socket.emit("typing", "yes");
  // @ts-expect-error no ack callback on an event that declares one (use emitWithAck)
  socket.emit("chat:send", { room: "a", text: "hi" });
  socket.emit("chat:send", { room: "a", text: "hi" }, (res) => {
    expectTypeOf(res).toEqualTypeOf<{ id: string }>();
  });
  // @ts-expect-error an ack callback on an event that declares none
  socket.emit("typing", true, () => {});
  expectTypeOf(socket.emitWithAck("chat:send", { room: "a", text: "hi" })).toEqualTypeOf<
    Promise<{ id: string }>
  >();
  socket.timeout(100).emit("chat:send", { room: "a", text: "hi" }, (err, res) => {
    expectTypeOf(err).toEqualTypeOf<Error>();
    expectTypeOf(res).toEqualTypeOf<{ id: string }>();
  });
  const t = io({ contract: transforms });
  t.on("when", (d) => expectTypeOf(d).toEqualTypeOf<Date>());
  // The ack's output (a string) reaches the asking side.
  expectTypeOf(t.emitWithAck("add", "1", 2)).toEqualTypeOf<Promise<string>>();
  // Without a contract nothing changes.
  const plain: ClientSocket = io("http://localhost", { autoConnect: false });
  plain.emit("anything", 1, 2, 3);
}

// `strict: false`: declared events keep their schema types; any other event is untyped, as in socket.io.
const open = defineContract({
  strict: false,
  clientToServer: {
    "chat:send": { args: [z.object({ text: z.string() })], ack: z.object({ id: z.string() }) },
    typing: { args: [z.boolean()] },
  },
  serverToClient: { "chat:message": { args: [z.object({ text: z.string() })] } },
});

function openTypes(): void {
  const server = new Server({ contract: open });
  server.on("connection", (socket) => {
    socket.on("chat:send", (msg, ack) => {
      expectTypeOf(msg).toEqualTypeOf<{ text: string }>();
      ack({ id: "1" });
      // @ts-expect-error a declared event keeps its ack type
      ack({ id: 1 });
    });
    socket.on("typing", (on) => expectTypeOf(on).toEqualTypeOf<boolean>());
    // @ts-expect-error a declared event keeps its payload type
    socket.on("typing", (on: string) => on);
    // Undeclared events: `(...args: any[]) => void`, as socket.io's DefaultEventsMap.
    socket.on("presence", (a, b) => {
      expectTypeOf(a).toBeAny();
      expectTypeOf(b).toBeAny();
    });
    socket.emit("chat:message", { text: "hi" });
    // @ts-expect-error a declared emit keeps its payload type
    socket.emit("chat:message", { text: 1 });
    socket.emit("anything", 1, "two", () => {});
    socket.timeout(10).emit("anything", (err: Error, answer: unknown) => [err, answer]);
  });
  server.emit("chat:message", { text: "hi" });
  server.emit("anything", 1);
  // @ts-expect-error a declared broadcast keeps its payload type
  server.emit("chat:message", { text: 1 });
  server.to("room").emit("anything", 1, 2);
  // @ts-expect-error on a room too
  server.to("room").emit("chat:message", {});

  const client = io("http://localhost", { contract: open });
  client.on("chat:message", (msg) => expectTypeOf(msg).toEqualTypeOf<{ text: string }>());
  client.on("presence", (who) => expectTypeOf(who).toBeAny());
  client.emit("typing", true);
  // @ts-expect-error a declared emit keeps its payload type
  client.emit("typing", "yes");
  client.emit("anything", 1, "two");
  expectTypeOf(client.emitWithAck("chat:send", { text: "a" })).toEqualTypeOf<
    Promise<{ id: string }>
  >();
  // A strict contract (the default) still refuses undeclared events.
  const strict = io("http://localhost", { contract: zodChat });
  // @ts-expect-error not in a strict contract
  strict.emit("anything", 1);
}

describe("contract types", () => {
  it("type-checks (the assertions above run under tsc)", () => {
    expect(typeof serverTypes).toBe("function");
    expect(typeof clientTypes).toBe("function");
    expect(typeof openTypes).toBe("function");
  });
});
