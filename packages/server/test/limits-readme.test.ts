// The README's "Limits" table is a promise: every default it states is read back from the code here,
// and every limit the code has is in the table.
import { createServer, type Server as HttpServer } from "node:http";
import { connect, type Socket as NetSocket } from "node:net";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Decoder, Encoder, PacketType } from "@switchboard/parser";
import { Server } from "@switchboard/server";

/** `option → default` from the first two columns of the README's "## Limits" table. */
function readmeLimits(): Map<string, number> {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("\n## Limits\n"));
  const body = section.slice(0, section.indexOf("\n## ", 1));
  const rows = new Map<string, number>();
  for (const line of body.split("\n")) {
    const m = /^\| `(\w+)` \| `([^`]+)` \|/.exec(line);
    if (m) rows.set(m[1]!, Number(m[2]));
  }
  return rows;
}

/** The largest attachment count the default decoder accepts, found by decoding. */
function defaultMaxAttachments(): number {
  const encoder = new Encoder();
  for (let n = 1; n < 1000; n++) {
    const chunks = encoder.encode({
      type: PacketType.EVENT,
      nsp: "/",
      data: ["e", ...Array.from({ length: n }, () => new Uint8Array(1))],
    });
    const decoder = new Decoder();
    try {
      for (const chunk of chunks) decoder.add(chunk);
    } catch {
      return n - 1;
    }
  }
  throw new Error("no attachment limit found below 1000");
}

describe("the README's Limits table", () => {
  let http: HttpServer | undefined;
  let io: Server | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await io?.close();
    io = undefined;
    http = undefined;
  });

  it("states every default the code has", () => {
    http = createServer();
    io = new Server(http);
    const engineOpts = io.engine.opts as unknown as Record<string, unknown>;
    const limits = (io as unknown as { _limits: { namespaces: number; pendingAcks: number } })
      ._limits;
    const fromCode: Record<string, number> = {
      maxHttpBufferSize: engineOpts.maxHttpBufferSize as number,
      maxBufferedChunks: engineOpts.maxBufferedChunks as number,
      httpRequestBodyTimeout: engineOpts.httpRequestBodyTimeout as number,
      pingTimeout: engineOpts.pingTimeout as number,
      upgradeTimeout: engineOpts.upgradeTimeout as number,
      connectTimeout: io.connectTimeout(),
      maxNamespacesPerConnection: limits.namespaces,
      maxPendingAcks: limits.pendingAcks,
      maxAttachments: defaultMaxAttachments(),
      // Issue #18: backpressure (per connection) and engine-wide admission.
      highWaterMark: (engineOpts.backpressure as { highWaterMark: number }).highWaterMark,
      maxBufferedBytes: (engineOpts.backpressure as { maxBufferedBytes: number }).maxBufferedBytes,
      maxConnections: engineOpts.maxConnections as number,
    };
    const table = readmeLimits();
    for (const [option, value] of Object.entries(fromCode)) {
      expect(table.get(option), `README default of ${option}`).toBe(value);
    }
    // destroyUpgradeTimeout is checked by behaviour below; nothing else may sit in the table unchecked.
    expect([...table.keys()].sort()).toEqual(
      [...Object.keys(fromCode), "destroyUpgradeTimeout"].sort(),
    );
  });

  it("destroyUpgradeTimeout: an unanswered upgrade on another path is ended at the stated default", async () => {
    const stated = readmeLimits().get("destroyUpgradeTimeout")!;
    http = createServer();
    io = new Server(http);
    const upgraded = new Promise<NetSocket>((resolve) =>
      http!.prependListener("upgrade", (_req, socket) => resolve(socket as NetSocket)),
    );
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const client = connect((http.address() as AddressInfo).port, "127.0.0.1");
    client.on("error", () => {});
    client.write("GET /other HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
    const socket = await upgraded;
    // The engine's listener runs right after ours, in the same emit.
    vi.advanceTimersByTime(stated - 1);
    expect(socket.writableEnded).toBe(false);
    vi.advanceTimersByTime(1);
    expect(socket.writableEnded).toBe(true);
    vi.useRealTimers();
    client.destroy();
  });
});
