import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/**
 * A package's internal `#imports` (its browser/Node twins) resolve to the TypeScript sources when the importer is
 * itself a source file under test, through the `@switchboard/source` entry of that package's `imports`. Built
 * files keep Node's own resolution (to dist/), so a class never exists twice, and child processes that tests
 * start (servers under attack, cluster nodes) run plain Node with no extra condition.
 */
const sourceTwins: Plugin = {
  name: "switchboard-source-twins",
  enforce: "pre",
  resolveId(source, importer) {
    if (!source.startsWith("#") || importer === undefined) return null;
    const root = /^(.*\/packages\/[^/]+)\/src\//.exec(importer)?.[1];
    if (root === undefined) return null;
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      imports?: Record<string, { "@switchboard/source"?: string | { default?: string } }>;
    };
    const entry = pkg.imports?.[source]?.["@switchboard/source"];
    const target = typeof entry === "string" ? entry : entry?.default;
    return target === undefined ? null : join(root, target);
  },
};

export default defineConfig({
  plugins: [sourceTwins],
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    pool: "forks",
    // Most files wait on sockets, Redis and child processes rather than compute: two at a time even on two
    // cores (Vitest's default there is one) halves the wall time without starving them.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // A test that leaves a handle open must not hang CI forever.
    teardownTimeout: 10_000,
  },
});
