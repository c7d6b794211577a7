// The request bookkeeping every cluster adapter shares: completion, timeouts with partial results and the silent
// nodes named, gone nodes no longer awaited, duplicate answers ignored; and the heartbeat adapter dropping a
// closed node from a pending request instead of stalling it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { AdapterErrorCode, RequestTimeoutError, RequestTracker } from "@switchboard/adapter";
import { FakeNamespace, InProcessBus, InProcessClusterAdapter } from "@switchboard/adapter/testing";

afterEach(() => {
  vi.useRealTimers();
});

describe("RequestTracker", () => {
  it("completes when every expected answer arrived", () => {
    const t = new RequestTracker();
    const done = vi.fn();
    const id = t.start({ expected: 2, nodes: ["n1", "n2"], timeout: 1000, done });
    t.answer(id, "n1", [1, 2]);
    expect(done).not.toHaveBeenCalled();
    t.answer(id, "n1", [99]); // a second answer from the same node does not count
    expect(done).not.toHaveBeenCalled();
    t.answer(id, "n2", [3]);
    expect(done).toHaveBeenCalledWith(null, [1, 2, 3]);
    expect(t.size).toBe(0);
  });

  it("ends at the timeout with the partial result and an error naming the silent nodes", () => {
    vi.useFakeTimers();
    const t = new RequestTracker();
    const done = vi.fn();
    const id = t.start({ expected: 3, nodes: ["n1", "n2", "n3"], timeout: 500, done });
    t.answer(id, "n2", ["two"]);
    vi.advanceTimersByTime(499);
    expect(done).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    const [err, responses] = done.mock.calls[0] as [RequestTimeoutError, unknown[]];
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err.code).toBe(AdapterErrorCode.REQUEST_TIMEOUT);
    expect(err.missing).toBe(2);
    expect(err.silentNodes).toEqual(["n1", "n3"]);
    expect(err.message).toBe("timeout reached: missing 2 responses (silent nodes: n1, n3)");
    expect(responses).toEqual(["two"]);
    expect(err.responses).toBe(responses);
    t.answer(id, "n1", ["late"]); // ignored, nothing thrown
    expect(done).toHaveBeenCalledTimes(1);
  });

  it("stops waiting for a node that left; counts answers of nodes it did not know", () => {
    const t = new RequestTracker();
    const done = vi.fn();
    const id = t.start({ expected: 2, nodes: ["n1", "n2"], timeout: 1000, done });
    t.answer(id, "n1", ["a"]);
    t.nodeGone("n2");
    expect(done).toHaveBeenCalledWith(null, ["a"]);
    const done2 = vi.fn();
    const id2 = t.start({ expected: 1, nodes: ["n1"], timeout: 1000, done: done2 });
    t.answer(id2, undefined, ["anonymous"]);
    expect(done2).toHaveBeenCalledWith(null, ["anonymous"]);
  });

  it("completes at once when nothing is expected, and fails every pending request on failAll", async () => {
    const t = new RequestTracker();
    const none = await new Promise<unknown[]>((resolve) =>
      t.start({ expected: 0, timeout: 1000, done: (_e, r) => resolve(r) }),
    );
    expect(none).toEqual([]);
    const done = vi.fn();
    t.start({ expected: 1, timeout: 1000, done });
    t.failAll(new Error("closed"));
    expect(done).toHaveBeenCalledWith(new Error("closed"), []);
    expect(t.size).toBe(0);
  });
});

describe("ClusterAdapterWithHeartbeat requests", () => {
  it("a node that closes mid-request is dropped from it: the request completes with the others' answers", async () => {
    const bus = new InProcessBus();
    const nsps = [new FakeNamespace("/"), new FakeNamespace("/"), new FakeNamespace("/")];
    const adapters = nsps.map((nsp) => {
      const a = new InProcessClusterAdapter(nsp, bus, {
        heartbeatInterval: 10,
        heartbeatTimeout: 10_000,
        requestsTimeout: 10_000,
      });
      nsp.adapter = a;
      a.init();
      return a;
    });
    try {
      await bus.flush(); // the nodes' announcements and answers: all three know each other
      expect(await adapters[0]!.serverCount()).toBe(3);
      await nsps[1]!.connect("b1");
      // Node 3 receives the request but closes before answering: its ADAPTER_CLOSE releases the request.
      const origOnMessage = adapters[2]!.onMessage.bind(adapters[2]!);
      adapters[2]!.onMessage = (m) => {
        if (m.type === 7) {
          void adapters[2]!.close(); // synchronous for in-process adapters; onMessage cannot wait anyway
          return;
        }
        origOnMessage(m);
      };
      const found = await adapters[0]!.fetchSockets({ rooms: new Set() });
      expect(found.map((s) => s.id)).toEqual(["b1"]);
      expect(await adapters[0]!.serverCount()).toBe(2);
    } finally {
      await Promise.all(adapters.map((a) => a.close()));
    }
  });
});
