// The client's prebuilt ESM bundle leaves the contract API out (its validators would cost every page ~2 KB gzip):
// packages/client/scripts/esm-entry.js lists the package's exports by hand, and this test keeps that list whole.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const CONTRACT_EXPORTS = ["ContractValidationError", "defineContract"];

describe("client ESM bundle entry", () => {
  it("exports every value export of @switchboard/client but the contract API", async () => {
    const entry = readFileSync(
      new URL("../../packages/client/scripts/esm-entry.js", import.meta.url),
      "utf8",
    );
    const listed = /export\s*\{([^}]*)\}/
      .exec(entry)![1]!
      .split(",")
      .map((s) => s.trim());
    const pkg = Object.keys(await import("@switchboard/client"));
    expect(listed.filter(Boolean).sort()).toEqual(
      pkg.filter((name) => !CONTRACT_EXPORTS.includes(name)).sort(),
    );
    for (const name of CONTRACT_EXPORTS) expect(pkg).toContain(name);
  });
});
