import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { describe, expect, it } from "vitest";
import { setupMaster, setupPrimary, setupWorker, StickyError, StickyErrorCodes } from "../src/index.js";

describe("misuse", () => {
  // The test process is not a cluster worker (and counts as a primary), which is what these need.
  it("setupWorker outside a cluster worker throws ERR_SB_STICKY_NOT_WORKER", () => {
    const io = { httpServer: createServer(), engine: { on: () => undefined } };
    expect(() => setupWorker(io)).toThrow(expect.objectContaining({ code: "ERR_SB_STICKY_NOT_WORKER" }));
  });

  it("setupPrimary refuses TLS servers and bad options, and setupMaster is the same function", () => {
    expect(setupMaster).toBe(setupPrimary);
    expect(() => setupPrimary(createTlsServer())).toThrow(expect.objectContaining({ code: "ERR_SB_STICKY_TLS_UNSUPPORTED" }));
    const server = createServer();
    expect(() => setupPrimary(server, { loadBalancingMethod: "fastest" as never })).toThrow(StickyError);
    expect(() => setupPrimary(server, { headersTimeout: -1 })).toThrow(expect.objectContaining({ code: "ERR_SB_STICKY_INVALID_OPTION" }));
    expect(() => setupPrimary(server, { maxHeaderSize: Number.NaN })).toThrow(expect.objectContaining({ code: "ERR_SB_STICKY_INVALID_OPTION" }));
  });

  it("documents every error code in the README", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const code of StickyErrorCodes) expect(readme).toContain(code);
  });
});
