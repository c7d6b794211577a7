import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { describe, expect, it } from "vitest";
import {
  setupMaster,
  setupPrimary,
  setupWorker,
  StickyError,
  StickyErrorCode,
  StickyErrorCodes,
} from "../src/index.js";

describe("misuse", () => {
  // The test process is not a cluster worker (and counts as a primary), which is what these need.
  it("setupWorker outside a cluster worker throws ERR_SB_STICKY_NOT_WORKER", () => {
    const io = { httpServer: createServer(), engine: { on: () => undefined } };
    expect(() => setupWorker(io)).toThrow(
      expect.objectContaining({ code: "ERR_SB_STICKY_NOT_WORKER" }),
    );
  });

  it("setupPrimary refuses TLS servers and bad options, and setupMaster is the same function", () => {
    expect(setupMaster).toBe(setupPrimary);
    expect(() => setupPrimary(createTlsServer())).toThrow(
      expect.objectContaining({ code: "ERR_SB_STICKY_TLS_UNSUPPORTED" }),
    );
    const server = createServer();
    expect(() => setupPrimary(server, { loadBalancingMethod: "fastest" as never })).toThrow(
      StickyError,
    );
    expect(() => setupPrimary(server, { headersTimeout: -1 })).toThrow(
      expect.objectContaining({ code: "ERR_SB_STICKY_INVALID_OPTION" }),
    );
    expect(() => setupPrimary(server, { maxHeaderSize: Number.NaN })).toThrow(
      expect.objectContaining({ code: "ERR_SB_STICKY_INVALID_OPTION" }),
    );
  });

  it("errors carry their code, name and cause; the deprecated list matches the catalogue", () => {
    const cause = new Error("root");
    const err = new StickyError(StickyErrorCode.INVALID_OPTION, "bad", { cause });
    expect(err).toMatchObject({ name: "StickyError", code: "ERR_SB_STICKY_INVALID_OPTION", cause });
    expect(StickyErrorCodes).toEqual(Object.values(StickyErrorCode));
  });
});
