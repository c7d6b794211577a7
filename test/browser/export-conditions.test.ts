// Which file each `exports`/`imports` condition resolves to (issue #14, item 8): the browser-capable packages
// (@switchboard/client, engine-client, parser, engine-parser, emitter) declare `browser` / `node` / `default`
// explicitly, so that any bundler picks the browser build and Node the Node build on its own. Checked two ways:
// esbuild's resolver with `platform: "neutral"` (no condition but the ones given, as a bundler configured by hand
// would run) resolves every public subpath and every `#imports` twin under each condition set, and Node itself
// (a child process, with and without `--conditions=browser`) resolves the public entries. A neutral bundle of the
// client under the `browser` condition contains no Node builtin, no `ws`, no `debug` and no `.node.js` file.
import { execFileSync } from "node:child_process";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const pkgDir = (p: string): string => join(repo, "packages", p);

/** The condition sets a bundler or runtime passes: browser, browser in development, Node, neither. */
const SETS = {
  browser: ["browser"],
  "browser+development": ["browser", "development"],
  node: ["node"],
  none: [],
} as const;
type SetName = keyof typeof SETS;

/** `[specifier, resolveDir]`: public subpaths from the repo root, `#imports` from inside their package's dist/. */
const SPECIFIERS: [string, string][] = [
  ["@switchboard/client", repo],
  ["@switchboard/engine-client", repo],
  ["@switchboard/engine-client/log", repo],
  ["@switchboard/engine-client/runtime", repo],
  ["@switchboard/parser", repo],
  ["@switchboard/parser/internal", repo],
  ["@switchboard/parser/msgpack", repo],
  ["@switchboard/engine-parser", repo],
  ["@switchboard/engine-parser/internal", repo],
  ["@switchboard/emitter", repo],
  ["#utf8", join(pkgDir("engine-client"), "dist")],
  ["#runtime", join(pkgDir("engine-client"), "dist")],
  ["#log", join(pkgDir("engine-client"), "dist")],
  ["#checks", join(pkgDir("parser"), "dist")],
  ["#decode-error", join(pkgDir("parser"), "dist")],
  ["#parse-packet", join(pkgDir("parser"), "dist")],
  ["#placeholders", join(pkgDir("parser"), "dist")],
  ["#msgpack-platform", join(pkgDir("parser"), "dist")],
  ["#base64", join(pkgDir("engine-parser"), "dist")],
  ["#emitter-base", join(pkgDir("emitter"), "dist")],
];

/** `packages/<p>/dist/<file>` of each specifier under each condition set, by esbuild's resolver. */
async function resolveAll(conditions: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const probe: Plugin = {
    name: "probe",
    setup(b) {
      b.onStart(async () => {
        for (const [spec, resolveDir] of SPECIFIERS) {
          const r = await b.resolve(spec, { kind: "import-statement", resolveDir });
          out[spec] = r.errors.length > 0 ? `error: ${r.errors[0]!.text}` : relative(repo, r.path);
        }
      });
    },
  };
  await build({
    stdin: { contents: "", resolveDir: repo },
    bundle: true,
    write: false,
    platform: "neutral",
    mainFields: [],
    conditions: [...conditions],
    plugins: [probe],
    logLevel: "silent",
  });
  return out;
}

const d = (p: string, file: string): string => `packages/${p}/dist/${file}`;

/** What each specifier must resolve to, per condition set (`[browser, browser+development, node, none]`). */
const EXPECTED: Record<string, [string, string, string, string]> = {
  "@switchboard/client": Array(4).fill(d("client", "index.js")) as [string, string, string, string],
  "@switchboard/engine-client": [
    d("engine-client", "index.js"),
    d("engine-client", "index.js"),
    d("engine-client", "index.node.js"),
    d("engine-client", "index.js"),
  ],
  "@switchboard/engine-client/log": [
    d("engine-client", "log.browser.js"),
    d("engine-client", "log.js"),
    d("engine-client", "log.js"),
    d("engine-client", "log.js"),
  ],
  "@switchboard/engine-client/runtime": [
    d("engine-client", "runtime.browser.js"),
    d("engine-client", "runtime.browser.js"),
    d("engine-client", "runtime.js"),
    d("engine-client", "runtime.js"),
  ],
  "#log": [
    d("engine-client", "log.browser.js"),
    d("engine-client", "log.js"),
    d("engine-client", "log.js"),
    d("engine-client", "log.js"),
  ],
  "#checks": [
    d("parser", "checks.browser.js"),
    d("parser", "checks.js"),
    d("parser", "checks.js"),
    d("parser", "checks.js"),
  ],
};
// Entries that are one file everywhere (the platform split is in the `#imports` twins they import).
for (const [spec, file] of [
  ["@switchboard/parser", d("parser", "index.js")],
  ["@switchboard/parser/internal", d("parser", "internal.js")],
  ["@switchboard/parser/msgpack", d("parser", "msgpack/index.js")],
  ["@switchboard/engine-parser", d("engine-parser", "index.js")],
  ["@switchboard/engine-parser/internal", d("engine-parser", "internal.js")],
  ["@switchboard/emitter", d("emitter", "index.js")],
] as const)
  EXPECTED[spec] = [file, file, file, file];
// Twins: `<x>.browser.js` under `browser` (development or not), `<x>.js` under `node` and with no condition.
for (const [spec, pkg, base] of [
  ["#utf8", "engine-client", "utf8"],
  ["#runtime", "engine-client", "runtime"],
  ["#decode-error", "parser", "decode-error"],
  ["#parse-packet", "parser", "parse-packet"],
  ["#placeholders", "parser", "placeholders"],
  ["#msgpack-platform", "parser", "msgpack/platform"],
  ["#base64", "engine-parser", "base64"],
  ["#emitter-base", "emitter", "emitter-base"],
] as const) {
  const browser = d(pkg, `${base}.browser.js`);
  EXPECTED[spec] = [browser, browser, d(pkg, `${base}.js`), d(pkg, `${base}.js`)];
}

describe("export conditions, by esbuild's resolver (platform: neutral)", () => {
  it("covers every specifier", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(SPECIFIERS.map(([s]) => s).sort());
  });

  const names = Object.keys(SETS) as SetName[];
  it.each(names)("conditions %s", async (name) => {
    const got = await resolveAll(SETS[name]);
    const want = Object.fromEntries(
      Object.entries(EXPECTED).map(([spec, files]) => [spec, files[names.indexOf(name)]]),
    );
    expect(got).toEqual(want);
  });

  /** A neutral esbuild bundle of the client under `conditions`: its input files and what they import. */
  async function bundleClient(
    conditions: string[],
    external: string[] = [],
  ): Promise<{ inputs: string[]; imports: string[] }> {
    const r = await build({
      stdin: { contents: `export * from "@switchboard/client";`, resolveDir: repo },
      bundle: true,
      write: false,
      platform: "neutral",
      mainFields: [],
      conditions,
      format: "esm",
      metafile: true,
      external,
      logLevel: "silent",
    });
    const inputs = Object.values(r.metafile.inputs);
    return {
      inputs: Object.keys(r.metafile.inputs),
      imports: inputs.flatMap((i) => i.imports.map((x) => x.path)),
    };
  }

  it("a neutral bundle of the client under `browser` takes no Node module", async () => {
    const { inputs, imports } = await bundleClient(["browser"]);
    expect(inputs.some((f) => f.endsWith("engine-client/dist/platform.browser.js"))).toBe(true);
    const node = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    expect(imports.filter((p) => node.has(p) || p.startsWith("node:"))).toEqual([]);
    const nodeOnly = inputs.filter((f) =>
      /node_modules\/(ws|debug)\/|\.node\.js$|cookie-jar/.test(f),
    );
    expect(nodeOnly).toEqual([]);
  });

  it("the same bundle under `node` does take the Node build (the check above can fail)", async () => {
    const { inputs, imports } = await bundleClient(["node"], ["node:*", "ws", "debug"]);
    expect(inputs.some((f) => f.endsWith("engine-client/dist/index.node.js"))).toBe(true);
    expect(imports).toContain("ws");
    expect(imports.some((p) => p.startsWith("node:"))).toBe(true);
  });
});

describe("export conditions, by Node's own resolver", () => {
  /** `import.meta.resolve` of each public entry in a plain Node child process, with `extra` flags. */
  function nodeResolve(extra: string[]): Record<string, string> {
    const specs = SPECIFIERS.filter(([s]) => !s.startsWith("#")).map(([s]) => s);
    const script = `const out = {}; for (const s of ${JSON.stringify(specs)}) out[s] = import.meta.resolve(s);
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, [...extra, "--input-type=module", "-e", script], {
      cwd: repo,
      encoding: "utf8",
    });
    const urls = JSON.parse(stdout) as Record<string, string>;
    return Object.fromEntries(
      Object.entries(urls).map(([s, u]) => [s, relative(repo, fileURLToPath(u))]),
    );
  }
  const expectedFor = (index: number): Record<string, string> =>
    Object.fromEntries(
      SPECIFIERS.filter(([s]) => !s.startsWith("#")).map(([s]) => [s, EXPECTED[s]![index]!]),
    );

  it("plain Node takes the Node build", () => {
    expect(nodeResolve([])).toEqual(expectedFor(2));
  });

  it("Node with --conditions=browser takes the browser build (`node` comes after `browser`)", () => {
    expect(nodeResolve(["--conditions=browser"])).toEqual(expectedFor(0));
  });
});
