// Every `docs/protocol.md §x.y` cite in the repo must name a heading of docs/protocol.md, so a renumbered
// or deleted section cannot leave comments, tests and READMEs pointing at nothing.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const DOC = "docs/protocol.md";

/** One cite: the section it names and where it is. */
interface Cite {
  file: string;
  line: number;
  section: string;
}

const SECTION = String.raw`\d+(?:\.\d+)*`;
// `docs/protocol.md §N.N`, also with the path in backticks, and the sections chained after it:
// `§2.1, §2.7, §2.8`, `§1.3/§1.10`, `§1.2 (packets) and §1.3`.
const CITE = new RegExp(
  String.raw`docs/protocol\.md\`?\s*§(${SECTION})((?:\s*(?:\([^()\n]*\)\s*)?(?:,|/|and|&)\s*§${SECTION})*)`,
  "g",
);
const CHAINED = new RegExp(`§(${SECTION})`, "g");

/** The cites in `text`, in order. */
function findCites(text: string, file = "<text>"): Cite[] {
  const cites: Cite[] = [];
  for (const m of text.matchAll(CITE)) {
    const line = text.slice(0, m.index).split("\n").length;
    cites.push({ file, line, section: m[1]! });
    for (const c of (m[2] ?? "").matchAll(CHAINED)) cites.push({ file, line, section: c[1]! });
  }
  return cites;
}

/** Section numbers of the numbered headings of a Markdown text (`## 1. Engine.IO` → `1`, `### 1.3 …` → `1.3`). */
function headings(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6}[ \t]+(\d+(?:\.\d+)*)\.?(?=\s|$)/gm)].map((m) => m[1]!);
}

/** The cites that name no heading. */
function unresolved(cites: readonly Cite[], sections: readonly string[]): Cite[] {
  const known = new Set(sections);
  return cites.filter((c) => !known.has(c.section));
}

const SKIP_DIRS = new Set(["node_modules", "dist", ".git", "coverage"]);
const WALK_ROOTS = [
  "packages",
  "examples",
  "test",
  "fuzz",
  "bench",
  "docs",
  "scripts",
  "README.md",
];

/** Tracked and new (not ignored) files; a walk of the usual folders when git is not available. */
function repoFiles(): string[] {
  let listed: string[];
  try {
    const out = execFileSync(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    listed = out.split("\0").filter((f) => f !== "");
  } catch {
    listed = [];
    const walk = (path: string): void => {
      const abs = join(root, path);
      if (!existsSync(abs)) return;
      if (!statSync(abs).isDirectory()) {
        listed.push(path);
        return;
      }
      for (const entry of readdirSync(abs)) if (!SKIP_DIRS.has(entry)) walk(join(path, entry));
    };
    WALK_ROOTS.forEach(walk);
  }
  return listed.filter((f) => !f.split("/").some((part) => SKIP_DIRS.has(part)));
}

function scanRepo(): Cite[] {
  const cites: Cite[] = [];
  for (const file of repoFiles()) {
    const abs = join(root, file);
    // Listed by git but deleted in the work tree, or not a regular file.
    if (!existsSync(abs) || !statSync(abs).isFile()) continue;
    const buf = readFileSync(abs);
    if (buf.includes(0)) continue; // binary
    cites.push(...findCites(buf.toString("utf8"), relative(root, abs)));
  }
  return cites;
}

describe("docs/protocol.md cites", () => {
  const doc = readFileSync(join(root, DOC), "utf8");
  const sections = headings(doc);

  // The samples spell the path through `P`, so that this file's own text holds no cite for the scan to find.
  const P = DOC;

  it("the parser finds plain, backticked and chained cites", () => {
    const text = [
      `// ${P} §1.7).`,
      `see \`${P}\` §1.2 (packets) and §1.3 (polling)`,
      `(${P} §2.1, §2.7, §2.8) and ${P} §1.3/§1.10: ok`,
      `${P} §2.9, point 2; RFC 4648 §4 is not ours`,
    ].join("\n");
    expect(findCites(text).map((c) => `${c.line}:${c.section}`)).toEqual([
      "1:1.7",
      "2:1.2",
      "2:1.3",
      "3:2.1",
      "3:2.7",
      "3:2.8",
      "3:1.3",
      "3:1.10",
      "4:2.9",
    ]);
  });

  it("a cite of a missing section is reported", () => {
    const cites = findCites(`ok ${P} §1.3\nbroken ${P} §9.9, §1.6.7`, "fake.ts");
    expect(unresolved(cites, sections)).toEqual([
      { file: "fake.ts", line: 2, section: "9.9" },
      { file: "fake.ts", line: 2, section: "1.6.7" },
    ]);
    // `1.1` must not be satisfied by `1.10` or `1.11` headings, nor `1` by `1.1`.
    expect(unresolved(findCites(`${P} §1.1`), ["1", "1.10", "1.11"])).toHaveLength(1);
    expect(unresolved(findCites(`${P} §1`), ["1.1"])).toHaveLength(1);
  });

  it("headings are numbered once each", () => {
    expect(sections.length).toBeGreaterThan(0);
    expect(sections.filter((s, i) => sections.indexOf(s) !== i)).toEqual([]);
  });

  it("every cite in the repo names a heading of docs/protocol.md", () => {
    const cites = scanRepo();
    // The repo cites the notes from code, tests and READMEs; finding none would mean the scan is broken.
    expect(cites.length).toBeGreaterThan(50);
    const broken = unresolved(cites, sections).map((c) => `${c.file}:${c.line} §${c.section}`);
    expect(broken).toEqual([]);
  });
});
