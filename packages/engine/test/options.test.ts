import { describe, expect, test } from "vitest";
import { InvalidOptionError } from "../src/errors.js";
import { resolveOptions } from "../src/options.js";

describe("options", () => {
  test("default to the reference values (§1.10)", () => {
    const o = resolveOptions();
    expect(o).toMatchObject({
      pingInterval: 25000,
      pingTimeout: 20000,
      upgradeTimeout: 10000,
      maxHttpBufferSize: 1e6,
      httpRequestBodyTimeout: 30000,
      maxBufferedChunks: 10000,
      transports: ["polling", "websocket"],
      allowUpgrades: true,
      perMessageDeflate: false,
      httpCompression: { threshold: 1024 },
      cookie: false,
      cors: false,
    });
  });

  test("refuse bad values with ERR_EIO_INVALID_OPTION", () => {
    const bads = [
      { pingInterval: 0 },
      { pingTimeout: -1 },
      { maxHttpBufferSize: Number.NaN },
      { httpRequestBodyTimeout: 0 },
      { maxBufferedChunks: -5 },
      { transports: ["carrier-pigeon"] },
    ];
    for (const bad of bads) {
      expect(() => resolveOptions(bad as never)).toThrow(InvalidOptionError);
    }
    expect(() => resolveOptions({ upgradeTimeout: Infinity })).toThrow(
      expect.objectContaining({ code: "ERR_EIO_INVALID_OPTION" }),
    );
    expect(resolveOptions({ allowEIO3: true }).allowEIO3).toBe(true);
    expect(resolveOptions({}).allowEIO3).toBe(false);
  });

  test("ignore webtransport in the transport list", () => {
    expect(resolveOptions({ transports: ["websocket", "webtransport"] }).transports).toEqual([
      "websocket",
    ]);
  });
});
