import { afterEach, describe, expect, it } from "vitest";
import { Socket, type SocketOptions } from "@switchboard/engine-client";
import { next, peers, stop, type PeerSocket } from "./peers.js";

describe.each(peers)("engine-client against $name", (peer) => {
  let server: Awaited<ReturnType<typeof peer.start>> | undefined;
  let client: Socket | undefined;

  afterEach(async () => {
    client?.close();
    client = undefined;
    await stop(server);
    server = undefined;
  });

  async function connect(
    serverOpts: Record<string, unknown>,
    opts: SocketOptions,
  ): Promise<{ client: Socket; peer: PeerSocket }> {
    server = await peer.start(serverOpts);
    const conn = next<[PeerSocket]>(server.engine, "connection");
    client = new Socket(server.url, opts);
    const [[peerSocket]] = await Promise.all([conn, next(client, "open")]);
    return { client, peer: peerSocket };
  }

  for (const transports of [["polling"], ["websocket"]]) {
    it(`opens and exchanges text and binary over ${transports[0]}`, async () => {
      const { client, peer: ps } = await connect({}, { transports });
      expect(client.transport.name).toBe(transports[0]);
      expect(client.id).toBe(ps.id);
      const got = next<[unknown]>(ps, "message");
      client.send("hello");
      expect((await got)[0]).toBe("hello");
      const gotBin = next<[unknown]>(ps, "message");
      client.send(new Uint8Array([1, 2, 255]));
      expect([...((await gotBin)[0] as Uint8Array)]).toEqual([1, 2, 255]);
      const back = next<[unknown]>(client, "message");
      ps.send(Buffer.from([9, 8, 7]));
      const data = (await back)[0];
      expect(Buffer.isBuffer(data)).toBe(true);
      expect([...(data as Buffer)]).toEqual([9, 8, 7]);
      const backText = next<[unknown]>(client, "message");
      ps.send("é✓");
      expect((await backText)[0]).toBe("é✓");
    });
  }

  it("upgrades polling to websocket and keeps message order", async () => {
    server = await peer.start({});
    const received: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      server!.engine.on("connection", (s) =>
        s.on("message", (m: unknown) => {
          received.push(m);
          if (received.length === 20) resolve();
        }),
      );
    });
    client = new Socket(server.url);
    await next(client, "open");
    expect(client.transport.name).toBe("polling");
    let i = 0;
    const timer = setInterval(() => {
      if (i < 20) client?.send(String(i++));
    }, 1);
    const [t] = await next<[{ name: string }]>(client, "upgrade");
    expect(t.name).toBe("websocket");
    await done;
    clearInterval(timer);
    expect(received).toEqual(Array.from({ length: 20 }, (_, k) => String(k)));
    expect(client.transport.name).toBe("websocket");
  });

  it("answers every ping (the server would time us out otherwise)", async () => {
    // Pings every 30 ms; a generous pong deadline so a busy machine cannot fail it, while a client
    // that never answered would still be closed (and stop getting pings).
    const { client, peer: ps } = await connect(
      { pingInterval: 30, pingTimeout: 2000 },
      { transports: ["websocket"] },
    );
    let pings = 0;
    let serverClosed = false;
    ps.on("close", () => (serverClosed = true));
    await new Promise<void>((resolve) =>
      client.on("ping", () => {
        if (++pings === 5) resolve();
      }),
    );
    expect(client.readyState).toBe("open");
    expect(serverClosed).toBe(false);
  });

  it("close() flushes buffered packets first and reports forced close", async () => {
    const { client, peer: ps } = await connect({}, { transports: ["polling"] });
    const got = next<[unknown]>(ps, "message");
    const closedOnServer = next<[string]>(ps, "close");
    const closed = next<[string]>(client, "close");
    client.send("last words");
    client.close();
    expect((await got)[0]).toBe("last words");
    expect((await closed)[0]).toBe("forced close");
    expect((await closedOnServer)[0]).toBe("transport close");
    expect(client.readyState).toBe("closed");
  });

  it("reports transport close when the server closes the session", async () => {
    for (const transports of [["polling"], ["websocket"]]) {
      const { client, peer: ps } = await connect({}, { transports });
      const closed = next<[string]>(client, "close");
      ps.close();
      expect((await closed)[0]).toBe("transport close");
      await stop(server);
      server = undefined;
    }
  });

  it("emits error and close(transport error) when nobody listens", async () => {
    server = await peer.start({});
    const url = server.url;
    await stop(server);
    server = undefined;
    client = new Socket(url, { transports: ["polling"] });
    const [[err], [reason]] = await Promise.all([
      next<[Error]>(client, "error"),
      next<[string]>(client, "close"),
    ]);
    expect(err.message).toBe("xhr poll error");
    expect(reason).toBe("transport error");
  });

  it("batches polling packets under maxPayload", async () => {
    const { client, peer: ps } = await connect(
      { maxHttpBufferSize: 100 },
      { transports: ["polling"] },
    );
    const msgs: unknown[] = [];
    const all = new Promise<void>((resolve) =>
      ps.on("message", (m: unknown) => {
        msgs.push(m);
        if (msgs.length === 10) resolve();
      }),
    );
    for (let k = 0; k < 10; k++) client.send(`${k}`.padEnd(30, "x"));
    await all;
    expect(msgs.map((m) => String(m)[0])).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
    ]);
  });
});
