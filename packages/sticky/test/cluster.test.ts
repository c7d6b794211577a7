// End to end: a real cluster (child process running node:cluster with 2-3 workers) behind setupPrimary,
// official socket.io-client peers, and raw sockets for the garbage a primary must survive.
import { request } from "node:http";
import { io as sbClient, type Socket as SbSocket } from "@switchboard/client";
import { afterEach, describe, expect, it } from "vitest";
import { client, connected, rawRequest, startCluster, statusLine, stopAll } from "./helpers.js";

afterEach(stopAll);

describe("sticky routing over a real cluster", () => {
  it("keeps many polling clients on their worker for many round trips, spread over every worker", async () => {
    const cluster = await startCluster({ WORKERS: "3", LB: "round-robin" });
    const errors: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const socket = client(cluster.url, { transports: ["polling"] });
        socket.on("connect_error", (e) => errors.push(e.message));
        socket.on("disconnect", (reason) => errors.push(`disconnect: ${reason}`));
        await connected(socket);
        const home = (await socket.emitWithAck("whoami")) as number;
        expect(socket.io.engine.id).toMatch(new RegExp(`^${home}\\.`)); // the worker's id leads the sid
        for (let k = 0; k < 25; k++) {
          const [value, workerId] = (await socket
            .timeout(5000)
            .emitWithAck("echo", `${i}:${k}`)) as [string, number];
          expect(value).toBe(`${i}:${k}`);
          expect(workerId).toBe(home);
        }
        return home;
      }),
    );
    expect(errors).toEqual([]);
    expect(new Set(results)).toEqual(new Set(cluster.workers));
  });

  it("least-connection spreads new sessions instead of piling them on one worker", async () => {
    const cluster = await startCluster({ WORKERS: "2", LB: "least-connection" });
    const homes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const socket = client(cluster.url, { transports: ["polling"] });
      await connected(socket);
      homes.push((await socket.emitWithAck("whoami")) as number);
    }
    expect(homes.filter((h) => h === cluster.workers[0])).toHaveLength(2);
    expect(homes.filter((h) => h === cluster.workers[1])).toHaveLength(2);
  });

  it("upgrades from polling to WebSocket on the session's worker", async () => {
    const cluster = await startCluster({ WORKERS: "2", LB: "random" });
    const sockets = Array.from({ length: 4 }, () => client(cluster.url));
    await Promise.all(
      sockets.map(async (socket) => {
        const upgraded = new Promise<void>((resolve) =>
          socket.io.once("open", () => socket.io.engine.once("upgrade", () => resolve())),
        );
        await connected(socket);
        await upgraded;
        expect(socket.io.engine.transport.name).toBe("websocket");
        const home = (await socket.emitWithAck("whoami")) as number;
        expect(await socket.emitWithAck("echo", "after upgrade")).toEqual(["after upgrade", home]);
      }),
    );
  });

  it("works with @switchboard/client too (worker-prefixed session ids are opaque to it)", async () => {
    const cluster = await startCluster({ WORKERS: "2" });
    const sockets: SbSocket[] = [];
    try {
      for (const transports of [["polling"], ["polling", "websocket"]]) {
        const socket = sbClient(cluster.url, { forceNew: true, reconnection: false, transports });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once("connect", () => resolve());
          socket.once("connect_error", reject);
        });
        const home = (await socket.emitWithAck("whoami")) as number;
        for (let k = 0; k < 5; k++) expect(await socket.emitWithAck("echo", k)).toEqual([k, home]);
      }
    } finally {
      for (const s of sockets) s.disconnect();
    }
  });

  it("serves WebSocket-only clients and plain HTTP routes, closing every routed connection after one response", async () => {
    const cluster = await startCluster({ WORKERS: "2" });
    const socket = client(cluster.url, { transports: ["websocket"] });
    await connected(socket);
    expect(await socket.emitWithAck("echo", 1)).toEqual([1, expect.any(Number)]);
    const res = await fetch(`${cluster.url}/hello`);
    expect(res.headers.get("connection")).toBe("close");
    expect(await res.json()).toMatchObject({ method: "GET", bytes: 0 });
  });

  it("passes a request body that arrives after the head to the worker intact", async () => {
    const cluster = await startCluster({ WORKERS: "2" });
    const body = Buffer.alloc(300_000, "b");
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${cluster.url}/upload`,
        { method: "POST", headers: { "Content-Length": body.length } },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      // Head first, body once the head is on the wire: the primary has routed by then, so the body must
      // be read by the worker from the passed descriptor.
      req.flushHeaders();
      req.once("socket", (s) => s.once("connect", () => setImmediate(() => req.end(body))));
    });
    expect(JSON.parse(answer)).toMatchObject({ method: "POST", bytes: body.length });
  });

  it("sends the sessions of a worker that died to the live ones when their clients reconnect", async () => {
    const cluster = await startCluster({ WORKERS: "2", LB: "round-robin" });
    const victim = client(cluster.url, {
      transports: ["polling"],
      reconnection: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
    });
    await connected(victim);
    const dead = (await victim.emitWithAck("whoami")) as number;
    const reconnected = new Promise<void>((resolve) =>
      victim.io.once("reconnect", () => resolve()),
    );
    victim.emit("crash");
    await reconnected;
    const home = (await victim.emitWithAck("whoami")) as number;
    expect(home).not.toBe(dead);
    // New clients go to the survivor too (round-robin skips the dead worker), and the primary is fine.
    const fresh = client(cluster.url, { transports: ["polling"] });
    await connected(fresh);
    expect(await fresh.emitWithAck("whoami")).toBe(home);
    expect(cluster.stderr()).toContain(`worker ${dead} exited (1)`);
  });

  it("answers garbage, oversized, slow and half-open requests with an error and keeps serving", async () => {
    const cluster = await startCluster({
      WORKERS: "2",
      HEADERS_TIMEOUT: "300",
      MAX_HEADER_SIZE: "4096",
    });
    expect(statusLine(await rawRequest(cluster.port, "GARBAGE\r\n\r\n"))).toBe(
      "HTTP/1.1 400 Bad Request",
    );
    expect(
      statusLine(await rawRequest(cluster.port, Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]))),
    ).toBe("HTTP/1.1 400 Bad Request");
    expect(statusLine(await rawRequest(cluster.port, "GET / HTTP/2.0\r\n\r\n"))).toBe(
      "HTTP/1.1 400 Bad Request",
    );
    const huge = `GET / HTTP/1.1\r\nX-Big: ${"a".repeat(8000)}\r\n\r\n`;
    expect(statusLine(await rawRequest(cluster.port, huge))).toBe(
      "HTTP/1.1 431 Request Header Fields Too Large",
    );
    const endless = `GET / HTTP/1.1\r\nX-Big: ${"a".repeat(8000)}`; // never ends its head
    expect(statusLine(await rawRequest(cluster.port, endless))).toBe(
      "HTTP/1.1 431 Request Header Fields Too Large",
    );
    expect(statusLine(await rawRequest(cluster.port, "GET / HTTP/1.1\r\nHost: x\r\n"))).toBe(
      "HTTP/1.1 408 Request Timeout",
    );
    // Half-open: part of a head, then the client's FIN. Nothing to answer; the connection just closes.
    expect(
      await rawRequest(cluster.port, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n", {
        end: true,
      }),
    ).toBe("");
    // A sid nobody owns goes to some worker, whose engine says so in its usual way.
    const unknown = await rawRequest(
      cluster.port,
      "GET /socket.io/?EIO=4&transport=polling&sid=nope HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    expect(statusLine(unknown)).toBe("HTTP/1.1 400 Bad Request");
    expect(unknown).toContain('"message":"Session ID unknown"');

    const socket = client(cluster.url, { transports: ["polling"] });
    await connected(socket);
    expect((await socket.emitWithAck("echo", "still up"))[0]).toBe("still up");
    expect(cluster.child.exitCode).toBeNull();
    expect(cluster.stderr()).not.toMatch(/exited|Error/);
  });
});
