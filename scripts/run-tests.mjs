#!/usr/bin/env node
// Runs the whole Vitest suite and closes with the one line CI reads:
// "N passed, N failed" (", N skipped" when any were skipped).
// Exits non-zero when a test failed, when the runner failed, or when no test ran.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const report = join(root, ".vitest-report.json");
rmSync(report, { force: true });

const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const args = [
  vitest,
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });

let passed = 0,
  failed = 0,
  skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests ?? 0;
  failed = json.numFailedTests ?? 0;
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // A file that failed without a failed test inside (it did not load, or a beforeAll threw and
  // Vitest marked its tests skipped) still counts as one failure.
  for (const file of json.testResults ?? []) {
    const results = file.assertionResults ?? [];
    if (file.status === "failed" && !results.some((r) => r.status === "failed")) failed += 1;
  }
} catch {
  failed += 1;
  console.error("run-tests: Vitest wrote no JSON report");
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
const ok = run.status === 0 && failed === 0 && passed > 0;
if (passed === 0) console.error("run-tests: no test ran");
process.exit(ok ? 0 : 1);
