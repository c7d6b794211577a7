// The `wsEngine` option (docs/protocol.md §1.10): another WebSocket server with the contract of `ws`'s
// WebSocketServer. The engine constructs it with `noServer` and its own limits, and hands it every upgrade.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { expect, it } from "vitest";
import { WebSocketServer, type ServerOptions, type WebSocket } from "ws";
import {
  describeEngines,
  handshake,
  openWs,
  startServer,
  waitFor,
  wsHandshake,
} from "./helpers.js";

/** A `ws` server that records how it was built and counts the upgrades it handled. */
function countingEngine() {
  const seen = { options: [] as ServerOptions[], upgrades: 0 };
  class CountingServer extends WebSocketServer {
    constructor(options: ServerOptions) {
      super(options);
      seen.options.push(options);
    }

    override handleUpgrade(
      req: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      callback: (ws: WebSocket, req: IncomingMessage) => void,
    ): void {
      seen.upgrades++;
      super.handleUpgrade(req, socket, head, callback);
    }
  }
  return { seen, CountingServer };
}

describeEngines("wsEngine", (impl) => {
  it("is built with noServer, no client tracking, perMessageDeflate and maxHttpBufferSize as maxPayload", async () => {
    const { seen, CountingServer } = countingEngine();
    await startServer(impl, {
      wsEngine: CountingServer,
      maxHttpBufferSize: 4096,
      perMessageDeflate: { threshold: 2048 },
    });
    // The reference builds a second one when the http.Server starts listening; each gets the same options.
    expect(seen.options.length).toBeGreaterThan(0);
    for (const options of seen.options) {
      expect(options).toMatchObject({ noServer: true, clientTracking: false, maxPayload: 4096 });
      expect(options.perMessageDeflate).toMatchObject({ threshold: 2048 });
    }
  });

  it("handles WebSocket handshakes and upgrades", async () => {
    const { seen, CountingServer } = countingEngine();
    const srv = await startServer(impl, { wsEngine: CountingServer });
    const { client, sid } = await wsHandshake(srv);
    expect(seen.upgrades).toBe(1);
    (await srv.socket(sid)).send("over the plugged-in server");
    expect(await client.nextText()).toBe("4over the plugged-in server");

    const polling = await handshake(srv);
    const probe = openWs(srv.wsUrl(`EIO=4&transport=websocket&sid=${polling.sid}`));
    await probe.opened;
    probe.send("2probe");
    expect(await probe.nextText()).toBe("3probe");
    probe.send("5");
    const socket = await srv.socket(polling.sid);
    await waitFor(() => socket.transport.name === "websocket", "upgraded");
    expect(seen.upgrades).toBe(2);
  });

  it("is not built when websocket is not among the transports", async () => {
    const { seen, CountingServer } = countingEngine();
    await startServer(impl, { wsEngine: CountingServer, transports: ["polling"] });
    expect(seen.options).toHaveLength(0);
  });
});
