// docs/protocol.md §1.5, as engine.io ≥ 6.6.10 has it: while the server waits for a pong, the first other packet
// from the client restarts the pong deadline, once per ping (a busy client may answer late). Fake timers drive
// the clocks; the sockets are real.
import timers from "node:timers";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { describeEngines, startServer, wsHandshake, type EngineSocket } from "./helpers.js";

const opts = { pingInterval: 1000, pingTimeout: 500 };

// engine.io takes its timers from `node:timers`, which the fake clock leaves alone: pointed at the fakes here.
const timerNames = ["setTimeout", "clearTimeout"] as const;
const realTimers = { setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout };

beforeEach(() => {
  // Only the clocks: the I/O of the real sockets (setImmediate, nextTick) must keep running.
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "performance", "Date"],
  });
  for (const name of timerNames) (timers as Record<string, unknown>)[name] = globalThis[name];
});
afterEach(() => {
  Object.assign(timers, realTimers);
  vi.useRealTimers();
});

function nextMessage(socket: EngineSocket): Promise<unknown> {
  return new Promise((resolve) => socket.once("message", resolve));
}

describeEngines("pong deadline extension", (impl) => {
  it("the first packet while a pong is due restarts the deadline once; a second one does not", async () => {
    const srv = await startServer(impl, opts);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    vi.advanceTimersByTime(1000);
    expect(await client.nextText()).toBe("2");
    // 400 ms into the 500 ms pong deadline, a message: the deadline becomes 500 ms from now.
    vi.advanceTimersByTime(400);
    let got = nextMessage(socket);
    client.send("4busy");
    expect(await got).toBe("busy");
    vi.advanceTimersByTime(400); // past the first deadline
    expect(srv.isClosed(sid)).toBe(false);
    expect(socket.readyState).toBe("open");
    // A second message does not extend it again: 150 ms later (550 ms after the first one) it is over.
    got = nextMessage(socket);
    client.send("4busy again");
    expect(await got).toBe("busy again");
    vi.advanceTimersByTime(150);
    expect((await srv.closed(sid)).reason).toBe("ping timeout");
  });

  it("after a pong, the next ping gets its own extension", async () => {
    const srv = await startServer(impl, opts);
    const { client, sid } = await wsHandshake(srv);
    const socket = await srv.socket(sid);
    vi.advanceTimersByTime(1000);
    expect(await client.nextText()).toBe("2");
    let got = nextMessage(socket);
    client.send("4one");
    await got;
    const beat = new Promise((resolve) => socket.once("heartbeat", resolve));
    client.send("3");
    await beat;
    vi.advanceTimersByTime(1000);
    expect(await client.nextText()).toBe("2");
    vi.advanceTimersByTime(400);
    got = nextMessage(socket);
    client.send("4two");
    await got;
    vi.advanceTimersByTime(400);
    expect(socket.readyState).toBe("open");
    vi.advanceTimersByTime(150);
    expect((await srv.closed(sid)).reason).toBe("ping timeout");
  });
});
