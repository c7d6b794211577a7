import { afterEach, describe, expect, it } from "vitest";
import { InProcessBus, InProcessClusterAdapter } from "@switchboard/adapter/testing";
import type { Socket } from "@switchboard/server";
import { connected, nextConnection, once, setup, type TestContext } from "./helpers.js";

describe("two servers with a cluster adapter", () => {
  let one: TestContext | undefined;
  let two: TestContext | undefined;
  afterEach(async () => {
    await one?.cleanup();
    await two?.cleanup();
  });

  async function start(): Promise<[TestContext, TestContext]> {
    const bus = new InProcessBus();
    one = await setup(
      { adapter: (nsp) => new InProcessClusterAdapter(nsp, bus) },
      { transports: ["websocket"] },
    );
    two = await setup(
      { adapter: (nsp) => new InProcessClusterAdapter(nsp, bus) },
      { transports: ["websocket"] },
    );
    await bus.flush(); // the two main namespaces' announcements and answers
    expect(await one.io.of("/").adapter.serverCount()).toBe(2);
    return [one, two];
  }

  it("broadcasts, fetchSockets with RemoteSocket, and broadcast acks span both servers", async () => {
    const [a, b] = await start();
    const remoteSide = nextConnection<Socket>(b.io);
    const ca = a.client();
    const cb = b.client();
    await Promise.all([connected(ca), connected(cb)]);
    const remote = await remoteSide;
    await remote.join("room");

    const got = Promise.all([once(ca, "news"), once(cb, "news")]);
    a.io.emit("news", "everyone");
    expect(await got).toEqual([["everyone"], ["everyone"]]);

    const sockets = await a.io.fetchSockets();
    expect(sockets.map((s) => s.id).sort()).toEqual([ca.id, cb.id].sort());
    const far = sockets.find((s) => s.id === cb.id);
    expect(far?.rooms.has("room")).toBe(true);
    const direct = once(cb, "direct");
    far?.emit("direct", 1);
    expect(await direct).toEqual([1]);

    ca.on("poll", (ack: (v: string) => void) => ack("a"));
    cb.on("poll", (ack: (v: string) => void) => ack("b"));
    const responses = (await a.io.timeout(1000).emitWithAck("poll")) as string[];
    expect([...responses].sort()).toEqual(["a", "b"]);
  });

  it("serverSideEmit reaches the other server, with acknowledgements", async () => {
    const [a, b] = await start();
    const heard = new Promise<unknown[]>((resolve) =>
      b.io.on("hello", (...args: unknown[]) => resolve(args)),
    );
    a.io.serverSideEmit("hello", "from one");
    expect(await heard).toEqual(["from one"]);
    b.io.on("ask", (cb: (v: number) => void) => cb(42));
    expect(await a.io.serverSideEmitWithAck("ask")).toEqual([42]);
  });
});
