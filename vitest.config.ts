import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // A package's internal `#imports` (its browser/Node twins) resolve to the TypeScript sources under test, not to
  // dist/: the `@switchboard/source` condition of each package.json `imports` (never set by Node or bundlers).
  ssr: { resolve: { conditions: ["@switchboard/source", ...defaultServerConditions] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // A test that leaves a handle open must not hang CI forever.
    teardownTimeout: 10_000,
  },
});
