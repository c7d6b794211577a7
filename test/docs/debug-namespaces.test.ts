// The debug namespaces in library code against docs/debugging.md (issue #14): the table there lists exactly the
// namespaces that `createDebug("…")` is called with in `packages/*/src`, so users can find every `DEBUG=` value.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGES = join(ROOT, "packages");

function sourceFiles(): string[] {
  const files: string[] = [];
  for (const pkg of readdirSync(PACKAGES)) {
    const src = join(PACKAGES, pkg, "src");
    if (!existsSync(src)) continue;
    for (const entry of readdirSync(src, { recursive: true, withFileTypes: true }))
      if (entry.isFile() && entry.name.endsWith(".ts"))
        files.push(join(entry.parentPath, entry.name));
  }
  return files;
}

/** Namespaces of the `| package | namespace | what it logs |` table: the second column, in backticks. */
function documented(): string[] {
  const doc = readFileSync(join(ROOT, "docs", "debugging.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Namespaces"));
  const names: string[] = [];
  for (const line of section.split("\n")) {
    const cell = /^\|[^|]*\|\s*`([^`]+)`\s*\|/.exec(line);
    if (cell) names.push(cell[1]!);
  }
  return names;
}

describe("debug namespaces", () => {
  const files = sourceFiles();

  it("docs/debugging.md lists exactly the namespaces used in packages/*/src", () => {
    const used = new Set<string>();
    for (const file of files)
      for (const [, ns] of readFileSync(file, "utf8").matchAll(/\bcreateDebug\(\s*"([^"]+)"\s*\)/g))
        used.add(ns!);
    const listed = documented();
    expect(used.size).toBeGreaterThan(10);
    expect(
      listed.filter((n, i) => listed.indexOf(n) !== i),
      "listed twice",
    ).toEqual([]);
    expect([...used].sort(), "add new namespaces to docs/debugging.md").toEqual(
      [...new Set(listed)].sort(),
    );
  });

  it("every logger is created with a literal namespace", () => {
    // A computed namespace could not be listed (and would escape the check above).
    const computed: string[] = [];
    for (const file of files) {
      if (/\/log(\.browser)?\.ts$/.test(file)) continue; // the factory itself
      for (const [call] of readFileSync(file, "utf8").matchAll(/\bcreateDebug\((?!\s*")[^)]*\)/g))
        computed.push(`${file.slice(ROOT.length)}: ${call}`);
    }
    expect(computed).toEqual([]);
  });
});
