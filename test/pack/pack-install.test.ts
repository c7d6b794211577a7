/**
 * Issue #20 "Installing the packages": `npm run pack`'s tarballs, installed into a project outside the repo
 * (no workspace links, no network), run the root README's getting-started app: the Express server and page of
 * Socket.IO's tutorial, the browser client served at /socket.io/socket.io.js, and a Node client. Every
 * tarball passes publint and @arethetypeswrong/cli.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack, publicPackages, tarballName } from "../../scripts/pack.mjs";
import { lintTarballs } from "../../scripts/pack-lint.mjs";
import { hasChromium, launchBrowser } from "../browser/helpers.js";
import {
  installScratchProject,
  npmEnv,
  tarballFiles,
  tarballManifest,
  writeScratchProject,
} from "./scratch-project.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const TIMEOUT = 120_000;

const packages = publicPackages();

/** The code blocks of a README that follow a `<!-- file: NAME -->` marker. */
function readmeFiles(readmePath: string): Map<string, string> {
  const readme = readFileSync(join(repo, readmePath), "utf8");
  const files = new Map<string, string>();
  for (const m of readme.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```/g))
    files.set(m[1]!, m[2]!);
  return files;
}

let work: string;
let app: string;
let tarballs: string[] = [];
const children: ChildProcess[] = [];
let url = "";

beforeAll(async () => {
  // realpath: on macOS the temp dir is a symlink, and npm writes lockfile paths relative to the real one.
  work = realpathSync(mkdtempSync(join(tmpdir(), "switchboard-pack-")));
  expect(relative(repo, work).startsWith("..")).toBe(true); // outside the repo: no workspace to fall back on
  // `npm test` builds first (npm run typecheck); packing must not rebuild under other tests' feet.
  const unbuilt = packages.filter((p) => !existsSync(join(p.dir, "dist")));
  if (unbuilt.length > 0) throw new Error(`build first: ${unbuilt.map((p) => p.name).join(", ")}`);
  tarballs = pack({ out: join(work, "tarballs"), build: false });

  app = join(work, "app");
  const files = new Map([...readmeFiles("README.md"), ...readmeFiles("packages/server/README.md")]);
  expect([...files.keys()].sort()).toEqual([
    "client.js",
    "index.html",
    "index.js",
    "server-example.js",
  ]);
  mkdirSync(app);
  writeScratchProject({ repo, dir: app, tarballs, extra: ["express", "@types/node"] });
  installScratchProject(app);
  for (const [name, text] of files) writeFileSync(join(app, name), text);

  url = (await startApp("index.js")).url;
}, TIMEOUT);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill();
    await once(child, "exit");
  }
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** Start one of the app's servers on a free port; resolves with its URL once it says where it listens. */
async function startApp(file: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [file], {
    cwd: app,
    env: { ...process.env, PORT: "0", DEBUG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/localhost:\d+)/.exec(output);
      if (m !== null) resolve(m[1]!.replace("localhost", "127.0.0.1"));
    });
    child.once("exit", (code) => reject(new Error(`${file} exited (${code}):\n${output}`)));
  });
  return { child, url: address };
}

describe("npm run pack", () => {
  it("packs every public package, with plain sibling versions and no test files", () => {
    expect(tarballs.map((f) => basename(f)).sort()).toEqual(
      packages.map((p) => tarballName(p.name, p.version)).sort(),
    );
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(["@switchboard/server", "@switchboard/client", "@switchboard/engine"]),
    );
    for (const file of tarballs) {
      const manifest = tarballManifest(file);
      for (const [dep, spec] of Object.entries(manifest.dependencies ?? {}))
        if (dep.startsWith("@switchboard/"))
          expect(spec, `${manifest.name} → ${dep}`).toBe("0.1.0");
      const list = tarballFiles(file);
      expect(list, manifest.name).toContain("dist/index.js");
      expect(list, manifest.name).toContain("dist/index.d.ts");
      expect(list, manifest.name).toContain("README.md");
      expect(
        list.filter((f) => /(^|\/)test\/|\.test\.|tsbuildinfo/.test(f)),
        manifest.name,
      ).toEqual([]);
    }
    const client = tarballs.find((f) => basename(f).startsWith("switchboard-client-"))!;
    expect(tarballFiles(client)).toEqual(
      expect.arrayContaining(["dist/bundle/socket.io.js", "dist/bundle/socket.io.min.js"]),
    );
  });

  it("the README's short install list is the server and the client with their dependencies", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const list = /dist-packages\/switchboard-\{([^}]+)\}-0\.1\.0\.tgz/.exec(readme)?.[1];
    expect(list).toBeDefined();
    const manifests = new Map(
      tarballs.map((f) => tarballManifest(f)).map((m) => [m.name, m] as const),
    );
    const needed = new Set<string>();
    const add = (name: string): void => {
      if (needed.has(name)) return;
      needed.add(name);
      for (const dep of Object.keys(manifests.get(name)?.dependencies ?? {}))
        if (dep.startsWith("@switchboard/")) add(dep);
    };
    add("@switchboard/server");
    add("@switchboard/client");
    expect(list!.split(",").sort()).toEqual(
      [...needed].map((n) => n.slice("@switchboard/".length)).sort(),
    );
  });

  it(
    "every tarball passes publint (strict) and attw (esm-only profile)",
    async () => {
      expect(await lintTarballs(tarballs)).toEqual([]);
    },
    TIMEOUT,
  );
  it("the lint does report a broken package", async () => {
    const dir = join(work, "broken");
    mkdirSync(join(dir, "dist"), { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "broken",
        version: "1.0.0",
        type: "module",
        // `types` after `default` is never read, and ./dist/missing.js is not in the tarball.
        exports: {
          ".": { default: "./dist/index.js", types: "./dist/index.d.ts" },
          "./missing": "./dist/missing.js",
        },
        files: ["dist"],
      }),
    );
    writeFileSync(join(dir, "dist", "index.js"), "export const x = 1;\n");
    writeFileSync(join(dir, "dist", "index.d.ts"), "export declare const x: string;\n");
    const r = spawnSync("npm", ["pack", dir, "--pack-destination", work, "--silent"], {
      cwd: work,
      encoding: "utf8",
      env: npmEnv(),
    });
    expect(r.status).toBe(0);
    const problems = await lintTarballs([join(work, "broken-1.0.0.tgz")]);
    expect(problems.join("\n")).toMatch(/publint error: .*types/i);
    expect(problems.join("\n")).toMatch(/publint error: .*missing/i);
  });
});

describe("the README's getting-started app, installed from the tarballs", () => {
  it("installed real copies, not links into the repo", () => {
    const installed = join(app, "node_modules", "@switchboard", "server");
    expect(realpathSync(installed).startsWith(app)).toBe(true);
    expect(existsSync(join(installed, "dist", "index.js"))).toBe(true);
    expect(existsSync(join(app, "node_modules", "ws", "package.json"))).toBe(true);
  });

  it("serves the page, which loads the browser client", async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/socket.io/socket.io.js"></script>');

    const script = await fetch(`${url}/socket.io/socket.io.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/^application\/javascript/);
    const js = await script.text();
    expect(js.length).toBeGreaterThan(10_000);
    expect(() => new Function(js)).not.toThrow(); // parses as a classic script
    expect(js).toMatch(/\bio\b/);
  });

  it("serves every bundle the server README lists", async () => {
    for (const file of ["socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js"]) {
      const res = await fetch(`${url}/socket.io/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type"), file).toMatch(/^application\/javascript/);
      const map = await fetch(`${url}/socket.io/${file}.map`);
      expect(map.status, `${file}.map`).toBe(200);
    }
  });

  it("client.js does a round trip through the server", () => {
    const r = spawnSync(process.execPath, ["client.js"], {
      cwd: app,
      env: { ...process.env, SERVER: url, DEBUG: "" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("received: hello from Node\n");
    expect(r.status).toBe(0);
  });

  it("the server README's example serves its page and answers every other path", async () => {
    const example = await startApp("server-example.js");
    const page = await fetch(`${example.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/socket.io/socket.io.js"></script>');
    const other = await fetch(`${example.url}/favicon.ico`);
    expect(other.status).toBe(404);
    const script = await fetch(`${example.url}/socket.io/socket.io.js`);
    expect(script.status).toBe(200);
    const r = spawnSync(process.execPath, ["client.js"], {
      cwd: app,
      env: { ...process.env, SERVER: example.url, DEBUG: "" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.stdout).toBe("received: hello from Node\n");
    example.child.kill();
  });

  it("the server README's example serves its page and answers every other path", async () => {
    const example = await startApp("server-example.js");
    const page = await fetch(`${example.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/socket.io/socket.io.js"></script>');
    const other = await fetch(`${example.url}/favicon.ico`);
    expect(other.status).toBe(404);
    const script = await fetch(`${example.url}/socket.io/socket.io.js`);
    expect(script.status).toBe(200);
    const r = spawnSync(process.execPath, ["client.js"], {
      cwd: app,
      env: { ...process.env, SERVER: example.url, DEBUG: "" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.stdout).toBe("received: hello from Node\n");
  });

  it("CommonJS code can require() the packages (Node ≥ 20.19)", () => {
    const r = spawnSync(
      process.execPath,
      [
        "-e",
        'const { Server } = require("@switchboard/server"); const { io } = require("@switchboard/client");' +
          'process.stdout.write(typeof Server + " " + typeof io)',
      ],
      { cwd: app, encoding: "utf8" },
    );
    expect(r.stdout).toBe("function function");
    expect(r.status).toBe(0);
  });

  it("type-checks a TypeScript app against the installed declarations", () => {
    const tsApp = `import { createServer } from "node:http";
import { Server, type Socket } from "@switchboard/server";
import { io, type Socket as ClientSocket } from "@switchboard/client";

interface ServerToClient { "chat message": (msg: string) => void }
interface ClientToServer { "chat message": (msg: string) => void }

const ioServer = new Server<ClientToServer, ServerToClient>(createServer());
ioServer.on("connection", (socket: Socket<ClientToServer, ServerToClient>) => {
  socket.on("chat message", (msg) => ioServer.emit("chat message", msg.toUpperCase()));
});
const client: ClientSocket<ServerToClient, ClientToServer> = io("http://localhost:3000", { autoConnect: false });
client.emit("chat message", "hi");
// @ts-expect-error -- the event map is enforced through the installed declarations
client.emit("chat message", 42);
`;
    writeFileSync(join(app, "app.ts"), tsApp);
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "nodenext",
          target: "es2022",
          // Our declarations are checked (skipLibCheck off), TypeScript's own lib files are not; no DOM lib,
          // as in a Node app: the packages' types must not need it.
          skipLibCheck: false,
          skipDefaultLibCheck: true,
          lib: ["es2022"],
          types: ["node"],
        },
        files: ["app.ts"],
      }),
    );
    const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], {
      cwd: app,
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);

  it.skipIf(!hasChromium && process.env.CI !== "true")(
    "the page chats in Chromium",
    async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        const failed: string[] = [];
        page.on("response", (res) => {
          if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
        });
        await page.goto(`${url}/`);
        await page.fill("#input", "hello from Chromium");
        await page.click("button");
        await page.waitForFunction(
          () => document.querySelector("#messages li")?.textContent === "hello from Chromium",
        );
        expect(failed).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
