// Every package's error catalogue against its README (fastify's pattern, issue #14): each stable code in
// `src/errors.ts` appears in the code column of a table in the README's `## Errors` section, and every code in
// those tables is in the catalogue. A catalogue is every export of `src/errors.ts` named `…ErrorCode` that is an
// object of strings (`export const FooErrorCode = { X: "ERR_SB_FOO_X" } as const`). A package without
// `src/errors.ts`, or with an empty catalogue, must have no error table (and so passes until it gains codes).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const PACKAGES = fileURLToPath(new URL("../../packages/", import.meta.url));

/** `ERR_SB_FOO`, `ERR_EIO_BAD_REQUEST`, and the contract's `REQUEST_VALIDATION_ERROR`: upper snake case. */
const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

const names = readdirSync(PACKAGES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(PACKAGES, d.name, "package.json")))
  .map((d) => d.name)
  .sort();

/** The string codes of every `…ErrorCode` catalogue `src/errors.ts` exports (empty without the file). */
async function catalogue(pkg: string): Promise<Set<string>> {
  const file = join(PACKAGES, pkg, "src", "errors.ts");
  const codes = new Set<string>();
  if (!existsSync(file)) return codes;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(mod)) {
    if (!name.endsWith("ErrorCode") || typeof value !== "object" || value === null) continue;
    if (Array.isArray(value)) continue;
    const values = Object.values(value);
    if (!values.every((v) => typeof v === "string")) continue;
    for (const code of values) codes.add(code);
  }
  return codes;
}

/** The `## Errors` (or `## Error codes`) section of a README, or `undefined` when it has none. */
function errorsSection(readme: string): string | undefined {
  const lines = readme.split("\n");
  const start = lines.findIndex((l) => /^##\s+(errors|error codes)\s*$/i.test(l));
  if (start === -1) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((c) => c.trim());
}

/**
 * The codes in the code column of every table in the section: the column headed `code`, or every column of a
 * table that has no such header. Codes are upper-snake-case words in backticks.
 */
function documentedCodes(section: string): string[] {
  const codes: string[] = [];
  const tables = section.split(/\n(?!\|)/).filter((block) => block.trimStart().startsWith("|"));
  for (const table of tables) {
    const rows = table
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("|"));
    const header = cells(rows[0] ?? "").map((h) => h.replace(/`/g, "").toLowerCase());
    const column = header.findIndex((h) => /^code\b/.test(h));
    for (const row of rows.slice(2)) {
      const picked = column === -1 ? cells(row) : [cells(row)[column] ?? ""];
      for (const cell of picked)
        for (const [, word] of cell.matchAll(/`([^`]+)`/g)) if (CODE.test(word!)) codes.push(word!);
    }
  }
  return codes;
}

describe("error codes: catalogue vs README, every package", () => {
  it("finds the packages", () => {
    expect(names).toEqual(expect.arrayContaining(["engine", "server", "client", "sticky"]));
  });

  it.each(names)(
    "%s: the README's error table lists exactly the catalogue's codes",
    async (pkg) => {
      const codes = await catalogue(pkg);
      const readmePath = join(PACKAGES, pkg, "README.md");
      const readme = existsSync(readmePath) ? readFileSync(readmePath, "utf8") : "";
      const section = errorsSection(readme);
      const documented = section === undefined ? [] : documentedCodes(section);
      if (codes.size === 0) {
        // Tolerated: no catalogue (yet) and nothing documented.
        expect(documented, `${pkg}: README documents codes its catalogue lacks`).toEqual([]);
        return;
      }
      expect(section, `${pkg}: README has no "## Errors" section`).toBeDefined();
      expect(
        documented.filter((c, i) => documented.indexOf(c) !== i),
        `${pkg}: codes listed twice`,
      ).toEqual([]);
      expect([...new Set(documented)].sort(), `${pkg}: README table vs catalogue`).toEqual(
        [...codes].sort(),
      );
    },
  );

  it("every ERR_* string in library code is in some package's catalogue", async () => {
    const all = new Set<string>();
    for (const pkg of names) for (const code of await catalogue(pkg)) all.add(code);
    const stray: string[] = [];
    for (const pkg of names) {
      const src = join(PACKAGES, pkg, "src");
      if (!existsSync(src)) continue;
      for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
        const file = join(entry.parentPath, entry.name);
        for (const [, code] of readFileSync(file, "utf8").matchAll(/["'`](ERR_[A-Z0-9_]+)["'`]/g))
          if (!all.has(code!)) stray.push(`${file.slice(PACKAGES.length)}: ${code}`);
      }
    }
    expect(stray).toEqual([]);
  });
});
