/**
 * A scratch npm project outside the repo that installs the packed tarballs, with no workspace links and no
 * network: its package-lock.json is written here, taking every third-party package (ws, debug, express, …)
 * at the version and place the repo's own lockfile gives it, so `npm ci --offline` fetches them from the npm
 * cache that installing this repo filled. A range that only the registry could resolve never comes up.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";

interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const SCOPE = "@switchboard/";

export interface ScratchOptions {
  /** The repo root (its package-lock.json and packages/*). */
  repo: string;
  /** The scratch project's directory (exists, empty). */
  dir: string;
  /** The tarballs to install, all of them dependencies of the project. */
  tarballs: string[];
  /** Third-party packages the project itself depends on, by name (resolved as the repo resolves them). */
  extra?: string[];
}

/** Write package.json and package-lock.json for the scratch project. */
export function writeScratchProject({ repo, dir, tarballs, extra = [] }: ScratchOptions): void {
  const lock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const out: Record<string, LockEntry> = {};
  const rootDeps: Record<string, string> = {};

  // Where a repo lock key lands in the scratch tree: a workspace package's own node_modules moves with it.
  const workspaceDir = new Map<string, string>(); // "packages/admin" -> "node_modules/@switchboard/admin"
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (/^packages\/[^/]+$/.test(key) && entry.name !== undefined)
      workspaceDir.set(key, `node_modules/${entry.name}`);
  }
  const place = (key: string): string => {
    const m = /^(packages\/[^/]+)\/(.*)$/.exec(key);
    const target = m === null ? undefined : workspaceDir.get(m[1]!);
    return m === null || target === undefined ? key : `${target}/${m[2]!}`;
  };

  // Node's lookup, run on lock keys: <from>/node_modules/<dep>, then each enclosing node_modules, then the root.
  const resolveKey = (from: string, dep: string): string | undefined => {
    let base = from;
    for (;;) {
      const key = `${base}/node_modules/${dep}`;
      if (lock.packages[key] !== undefined) return key;
      const i = base.lastIndexOf("/node_modules/");
      if (i === -1) break;
      base = base.slice(0, i);
    }
    const top = `node_modules/${dep}`;
    return lock.packages[top] !== undefined && lock.packages[top].link !== true ? top : undefined;
  };

  const visit = (from: string, deps: Record<string, string>, optional: Set<string>): void => {
    for (const dep of Object.keys(deps)) {
      if (dep.startsWith(SCOPE)) continue; // a sibling tarball
      const key = resolveKey(from, dep);
      if (key === undefined) {
        if (optional.has(dep)) continue;
        throw new Error(
          `${dep} (needed by ${from || "the scratch project"}) is not in package-lock.json: run npm install`,
        );
      }
      const at = place(key);
      if (out[at] !== undefined) continue;
      const entry: LockEntry = { ...lock.packages[key]! };
      for (const flag of ["dev", "devOptional", "peer", "optional", "extraneous"])
        delete entry[flag];
      out[at] = entry;
      const requiredPeers = Object.fromEntries(
        Object.entries(entry.peerDependencies ?? {}).filter(
          ([name]) => entry.peerDependenciesMeta?.[name]?.optional !== true,
        ),
      );
      visit(
        key,
        { ...entry.dependencies, ...entry.optionalDependencies, ...requiredPeers },
        new Set(Object.keys(entry.optionalDependencies ?? {})),
      );
    }
  };

  for (const file of tarballs) {
    const manifest = tarballManifest(file);
    const spec = `file:${relative(dir, file)}`;
    rootDeps[manifest.name] = spec;
    const at = `node_modules/${manifest.name}`;
    out[at] = {
      version: manifest.version,
      resolved: spec,
      integrity: `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`,
      license: manifest.license,
      ...(manifest.engines === undefined ? {} : { engines: manifest.engines }),
      ...(manifest.dependencies === undefined ? {} : { dependencies: manifest.dependencies }),
    };
    const workspace = [...workspaceDir].find(([, target]) => target === at)?.[0];
    if (workspace === undefined) throw new Error(`${manifest.name} is not a workspace of the repo`);
    visit(workspace, manifest.dependencies ?? {}, new Set());
  }
  for (const name of extra) {
    const entry = lock.packages[`node_modules/${name}`];
    if (entry?.version === undefined) throw new Error(`${name} is not in the repo's lockfile`);
    rootDeps[name] = entry.version;
  }
  visit("", Object.fromEntries(extra.map((name) => [name, "*"])), new Set());

  const pkg = {
    name: "switchboard-scratch",
    private: true,
    type: "module",
    dependencies: rootDeps,
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  const packages = { "": { name: pkg.name, dependencies: rootDeps }, ...sorted(out) };
  writeFileSync(
    join(dir, "package-lock.json"),
    JSON.stringify({ name: pkg.name, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

/** `npm ci` from the lockfile, offline: every byte comes from the tarballs and the npm cache. */
export function installScratchProject(dir: string): void {
  const r = spawnSync(
    "npm",
    ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel", "error"],
    { cwd: dir, encoding: "utf8", env: npmEnv() },
  );
  if (r.status !== 0)
    throw new Error(
      `npm ci in ${basename(dir)} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`,
    );
}

/**
 * The environment for an npm of our own: without the `npm_*` variables of an enclosing `npm test` (its
 * lifecycle, its package, `local_prefix` pointing at the repo, workspace flags), keeping where the cache and
 * the registry are.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|userconfig|registry|cafile|proxy|https_proxy|noproxy)$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.test(key)),
  );
}

/** package.json of a tarball, read with tar (every Linux and macOS has it). */
export function tarballManifest(file: string): Manifest {
  const r = spawnSync("tar", ["-xOzf", file, "package/package.json"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cannot read package.json in ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Manifest;
}

/** The file list of a tarball, without the leading `package/`. */
export function tarballFiles(file: string): string[] {
  const r = spawnSync("tar", ["-tzf", file], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`cannot list ${file}: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/^package\//, ""));
}

function sorted<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
