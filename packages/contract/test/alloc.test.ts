// Issue #17: "no per-event allocations beyond the library's result". With a schema whose result is a constant
// (so that the library allocates nothing), four million valid events through `parse` + `inOrder` (the server's
// whole validation step) must not keep the garbage collector busy: one small object per event gives about 125
// collections here, none gives 0 (at most one or two from the surroundings). Measured in a plain Node process
// (fixtures/alloc-probe.mjs, on the built package), as production runs it.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("allocations", () => {
  it("parse + inOrder allocate nothing per valid event", () => {
    const probe = fileURLToPath(new URL("./fixtures/alloc-probe.mjs", import.meta.url));
    const out = execFileSync(process.execPath, [probe], { encoding: "utf8", timeout: 15_000 });
    const [delivered, collections] = out.trim().split(" ").map(Number);
    expect(delivered).toBe(4_100_000);
    expect(collections).toBeLessThanOrEqual(2);
  });
});
