#!/usr/bin/env node
// npm run pack: installable tarballs of every public package, for projects outside this repo.
//
//   node scripts/pack.mjs [--out DIR] [--no-build] [--no-lint]
//
// Builds first (`npm run build`: tsc -b and the client's browser bundles) unless --no-build, then runs
// `npm pack` for each package under packages/ that is not private, into DIR (default dist-packages/, which is
// gitignored). Workspace dependencies stay plain versions ("0.1.0"): installed together, the sibling tarballs
// satisfy them, e.g.
//
//   npm install ./dist-packages/switchboard-server-0.1.0.tgz ./dist-packages/switchboard-engine-0.1.0.tgz …
//
// A package whose `@switchboard/*` dependency names another version than the sibling's own is refused, as is
// one that was not built (no dist/). Then publint and @arethetypeswrong/cli lint every tarball
// (scripts/pack-lint.mjs; --no-lint skips it), and any problem makes the exit code non-zero.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { lintTarballs } from "./pack-lint.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The public packages of the monorepo: `{ name, version, dir, manifest }`, in directory order. */
export function publicPackages() {
  const dirs = readdirSync(join(root, "packages"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, "packages", d.name, "package.json")))
    .map((d) => join(root, "packages", d.name));
  return dirs
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      return { name: manifest.name, version: manifest.version, dir, manifest };
    })
    .filter((p) => p.manifest.private !== true);
}

/** The tarball file name npm gives a package: `@scope/name@1.0.0` → `scope-name-1.0.0.tgz`. */
export function tarballName(name, version) {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}

/** Refuse what would not install: unbuilt packages and sibling versions that do not match. */
function check(packages) {
  const versions = new Map(packages.map((p) => [p.name, p.version]));
  const problems = [];
  for (const p of packages) {
    if (!existsSync(join(p.dir, "dist"))) problems.push(`${p.name}: not built (no dist/)`);
    for (const field of ["dependencies", "peerDependencies"]) {
      for (const [dep, spec] of Object.entries(p.manifest[field] ?? {})) {
        if (!dep.startsWith("@switchboard/")) continue;
        const sibling = versions.get(dep);
        if (sibling === undefined)
          problems.push(`${p.name}: ${field} ${dep} is not a public package`);
        else if (spec !== sibling)
          problems.push(`${p.name}: ${field} ${dep}@${spec}, but the sibling is ${sibling}`);
      }
    }
  }
  return problems;
}

/** dist/ files whose source is gone (tsc -b never deletes output): they would ship in the tarball. */
function staleOutput(packages) {
  const stale = [];
  const walk = (p, dir) => {
    for (const entry of readdirSync(join(p.dir, "dist", dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (rel !== "bundle") walk(p, rel);
      } else if (
        entry.name.endsWith(".js") &&
        !existsSync(join(p.dir, "src", rel.replace(/\.js$/, ".ts")))
      )
        stale.push(join("packages", basename(p.dir), "dist", rel));
    }
  };
  for (const p of packages) if (existsSync(join(p.dir, "dist"))) walk(p, "");
  return stale;
}

/**
 * Pack every public package into `out` (emptied of old tarballs first) and return the tarball paths.
 * @param {{ out?: string, build?: boolean, log?: (line: string) => void }} [options]
 */
export function pack({ out = join(root, "dist-packages"), build = true, log = () => {} } = {}) {
  if (build) {
    const b = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
    if (b.status !== 0) throw new Error("pack: npm run build failed");
  }
  const packages = publicPackages();
  const problems = check(packages);
  if (problems.length > 0) throw new Error(`pack: refused\n  ${problems.join("\n  ")}`);
  for (const file of staleOutput(packages))
    log(`warning: ${file} has no source any more: it ships unless you delete it and rebuild`);
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (f.endsWith(".tgz")) rmSync(join(out, f));
  // One npm process for every package (an npm start costs more than packing one of them).
  const r = spawnSync(
    "npm",
    [
      "pack",
      ...packages.map((p) => p.dir),
      "--pack-destination",
      out,
      "--json",
      "--ignore-scripts",
    ],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`pack: npm pack failed\n${r.stderr}`);
  const infos = JSON.parse(r.stdout);
  const tarballs = [];
  for (const p of packages) {
    const info = infos.find((i) => i.name === p.name);
    if (info === undefined || info.filename !== tarballName(p.name, p.version))
      throw new Error(`pack: npm pack gave no ${tarballName(p.name, p.version)}`);
    log(`${info.filename}  ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} KiB`);
    tarballs.push(join(out, info.filename));
  }
  return tarballs;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--out");
  const out = at === -1 ? undefined : resolve(args[at + 1] ?? "dist-packages");
  try {
    const tarballs = pack({ out, build: !args.includes("--no-build"), log: console.log });
    console.log(`\n${tarballs.length} tarballs in ${dirname(tarballs[0] ?? out ?? "")}`);
    if (!args.includes("--no-lint")) {
      const failures = await lintTarballs(tarballs, { log: console.log });
      if (failures.length > 0) {
        console.error(`\n${failures.length} problem(s):\n  ${failures.join("\n  ")}`);
        process.exit(1);
      }
      console.log("publint and attw: no problems");
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
