// Lints packed tarballs with publint (strict: its warnings count too) and @arethetypeswrong/cli's checker.
//
//   node scripts/pack-lint.mjs dist-packages/*.tgz
//
// Both run in this process through their APIs (`publint` with `pack: { tarball }`, and
// `@arethetypeswrong/core`, which the attw CLI wraps): one TypeScript load for every tarball instead of one
// CLI start each. The result is the CLIs' `publint run <tgz> --strict` and `attw <tgz> --profile esm-only`.
//
// attw's `esm-only` profile: every package is ESM only ("type": "module", `exports` with `types` beside each
// `default`), so the `node10` and `node16 (from CJS)` resolution modes, which expect a CommonJS build, are not
// checked. The packages have `main` and `types` for tools that read nothing else (not emitter and parser:
// their declarations use `#imports`, which such tools cannot follow), and CommonJS code on Node ≥ 20.19 (our
// `engines`) can `require()` them: test/pack/pack-install.test.ts does.
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

/** attw's `esm-only` profile. */
const IGNORED_RESOLUTIONS = ["node10", "node16-cjs"];

/** One line per attw problem outside the ignored resolution modes. */
async function attw(data) {
  const analysis = await checkPackage(createPackageFromTarballData(data));
  if (!analysis.types) return ["attw: the package has no types"];
  return analysis.problems
    .filter((p) => {
      if ("resolutionKind" in p) return !IGNORED_RESOLUTIONS.includes(p.resolutionKind);
      if ("resolutionOption" in p) return p.resolutionOption !== "node10";
      return true;
    })
    .map((p) => {
      const where = [p.entrypoint, p.resolutionKind ?? p.resolutionOption, p.fileName]
        .filter(Boolean)
        .join(", ");
      return `attw: ${p.kind}${where ? ` (${where})` : ""}`;
    });
}

/** One line per publint error or warning (strict). */
async function lintWithPublint(data) {
  const { messages, pkg } = await publint({ pack: { tarball: data.buffer }, strict: true });
  return messages
    .filter((m) => m.type !== "suggestion")
    .map((m) => `publint ${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`);
}

/**
 * Lint each tarball; resolves with one line per problem (empty when all is well).
 * @param {string[]} tarballs
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function lintTarballs(tarballs, { log = () => {} } = {}) {
  const failures = [];
  for (const file of tarballs) {
    const name = basename(file);
    const bytes = readFileSync(file);
    const data = new Uint8Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    const problems = [...(await lintWithPublint(data)), ...(await attw(data))];
    for (const p of problems) failures.push(`${name}: ${p}`);
    log(
      `${name}: ${problems.length === 0 ? "publint and attw ok" : `${problems.length} problem(s)`}`,
    );
  }
  return failures;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const failures = await lintTarballs(process.argv.slice(2), { log: console.log });
  if (failures.length > 0) {
    console.error(failures.join("\n"));
    process.exit(1);
  }
}
