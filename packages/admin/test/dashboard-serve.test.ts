import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type Server as HttpServer,
} from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Server } from "@switchboard/server";
import {
  CONTENT_SECURITY_POLICY,
  createDashboardHandler,
  serveDashboard,
  type DashboardOptions,
} from "../src/dashboard/serve.js";
import { DashboardOptionsError } from "../src/dashboard/errors.js";
import { AdminError } from "../src/errors.js";
import { UI_FILES } from "../src/dashboard/assets.generated.js";
import { GENERATED, bundleUi, renderModule } from "../scripts/build-ui.mjs";

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let http: HttpServer | undefined;
let io: Server | undefined;

afterEach(async () => {
  const closing = io?.close();
  http?.closeAllConnections();
  await closing;
  await new Promise((resolve) => (http?.listening ? http.close(resolve) : resolve(undefined)));
  http = undefined;
  io = undefined;
});

/** An HTTP server whose own handler answers 404 "fallback" (the "other listeners" the dashboard must leave alone). */
async function start(
  options?: DashboardOptions,
  withIo = false,
): Promise<{ base: string; close(): void }> {
  http = createServer((req, res) => {
    if (req.url === "/other")
      res.writeHead(200, { "Content-Type": "text/plain" }).end("other route");
    else if (!req.url?.startsWith("/socket.io/")) res.writeHead(404).end("fallback");
  });
  if (withIo) io = new Server(http);
  const serving = serveDashboard(http, options);
  await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, close: serving.close };
}

/** A raw request (no automatic decompression, exact path as given, even with `..`). */
function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      { host: u.hostname, port: u.port, path: url.slice(u.origin.length), method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("serveDashboard", () => {
  it("serves the page at the path, with a trailing slash and as index.html", async () => {
    const { base } = await start();
    for (const path of ["/admin", "/admin/", "/admin/index.html", "/admin/?x=1"]) {
      const res = await get(base + path);
      expect(res.status, path).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      const html = res.body.toString();
      expect(html).toContain('data-namespace="/admin"');
      expect(html).toContain('<script src="/socket.io/socket.io.min.js" defer></script>');
      expect(html).toContain('<script src="/admin/app.js" defer></script>');
      expect(html).not.toMatch(/<script>|<script type="module">|<style|\sstyle="|\son[a-z]+="/);
      expect(html).not.toContain("%BASE%");
    }
  });

  it("serves the script, the stylesheet and the icon with their content types", async () => {
    const { base } = await start();
    const types: Record<string, string> = {
      "app.js": "text/javascript; charset=utf-8",
      "style.css": "text/css; charset=utf-8",
      "favicon.svg": "image/svg+xml",
    };
    for (const [file, type] of Object.entries(types)) {
      const res = await get(`${base}/admin/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers["content-type"]).toBe(type);
      expect(res.body.toString()).toBe(UI_FILES[file as keyof typeof UI_FILES]);
      expect(Number(res.headers["content-length"])).toBe(res.body.length);
    }
  });

  it("sends a strict CSP, nosniff and no-referrer on every file", async () => {
    const { base } = await start();
    for (const file of ["", "/app.js", "/style.css", "/favicon.svg"]) {
      const res = await get(`${base}/admin${file}`);
      expect(res.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["x-frame-options"]).toBe("DENY");
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-eval");
  });

  it("answers 304 to a matching If-None-Match and 200 to another tag", async () => {
    const { base } = await start();
    for (const file of ["/", "/app.js", "/style.css"]) {
      const first = await get(`${base}/admin${file}`);
      const etag = first.headers.etag!;
      expect(etag).toMatch(/^"[\w-]{20,}"$/);
      expect(first.headers["cache-control"]).toBe("no-cache");
      for (const tag of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
        const again = await get(`${base}/admin${file}`, { "If-None-Match": tag });
        expect(again.status, tag).toBe(304);
        expect(again.body.length).toBe(0);
        expect(again.headers.etag).toBe(etag);
      }
      expect((await get(`${base}/admin${file}`, { "If-None-Match": '"other"' })).status).toBe(200);
    }
    // Different files, different tags.
    const tags = await Promise.all(
      ["/app.js", "/style.css", "/"].map(
        async (f) => (await get(`${base}/admin${f}`)).headers.etag,
      ),
    );
    expect(new Set(tags).size).toBe(3);
  });

  it("compresses with br or gzip when accepted, never when refused with q=0", async () => {
    const { base } = await start();
    const plain = (await get(`${base}/admin/app.js`)).body;
    const br = await get(`${base}/admin/app.js`, { "Accept-Encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);
    const gz = await get(`${base}/admin/app.js`, { "Accept-Encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).equals(plain)).toBe(true);
    const refused = await get(`${base}/admin/app.js`, { "Accept-Encoding": "br;q=0, gzip;q=0" });
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(refused.body.equals(plain)).toBe(true);
  });

  it("answers HEAD without a body and other methods with 405", async () => {
    const { base } = await start();
    const head = await get(`${base}/admin/app.js`, {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers["content-length"])).toBe(Buffer.byteLength(UI_FILES["app.js"]));
    const post = await get(`${base}/admin/`, {}, "POST");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("leaves every other request to the server's other listeners", async () => {
    const { base } = await start();
    const other = await get(`${base}/other`);
    expect(other.status).toBe(200);
    expect(other.body.toString()).toBe("other route");
    for (const path of [
      "/",
      "/adminx",
      "/admin/unknown.js",
      "/admin/app.js/",
      "/admin/APP.JS",
      "/app.js",
      "/admin/metrics",
    ]) {
      const res = await get(base + path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString(), path).toBe("fallback");
    }
  });

  it("refuses path traversal: nothing outside its few in-memory files is ever served", async () => {
    const { base } = await start();
    const pkg = readFileSync(new URL("../package.json", import.meta.url), "utf8");
    for (const path of [
      "/admin/../package.json",
      "/admin/..%2fpackage.json",
      "/admin/%2e%2e/%2e%2e/package.json",
      "/admin/..\\..\\package.json",
      "/admin/./app.js",
      "/admin//app.js",
      "/admin/%61pp.js",
      "/admin/../../../../etc/passwd",
      "/admin/src/dashboard/serve.ts",
    ]) {
      const res = await get(base + path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString(), path).toBe("fallback");
      expect(res.body.toString()).not.toContain(pkg.slice(0, 40));
    }
  });

  it("serves at a custom path with the namespace and socket path escaped into the page", async () => {
    const { base } = await start({
      path: "/ops/dash/",
      namespaceName: '/a"b<c>&',
      socketPath: "/rt",
    });
    const res = await get(`${base}/ops/dash`);
    expect(res.status).toBe(200);
    const html = res.body.toString();
    expect(html).toContain('data-namespace="/a&#34;b&#60;c&#62;&#38;"');
    expect(html).not.toContain("<c>");
    expect(html).toContain('<script src="/rt/socket.io.min.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/ops/dash/style.css">');
    expect((await get(`${base}/ops/dash/style.css`)).status).toBe(200);
    expect((await get(`${base}/admin`)).body.toString()).toBe("fallback");
  });

  it("can serve at the root", async () => {
    const { base } = await start({ path: "/" });
    expect((await get(`${base}/`)).headers["content-type"]).toBe("text/html; charset=utf-8");
    expect((await get(`${base}/app.js`)).status).toBe(200);
    expect((await get(`${base}/other`)).body.toString()).toBe("other route");
  });

  it("stops answering after close()", async () => {
    const { base, close } = await start();
    expect((await get(`${base}/admin`)).status).toBe(200);
    close();
    expect((await get(`${base}/admin`)).body.toString()).toBe("fallback");
  });

  it("refuses bad options with a typed error", () => {
    for (const opts of [
      { path: "admin" },
      { path: "/a/../b" },
      { path: "/a?b" },
      { socketPath: "x" },
      { namespaceName: "admin" },
      { path: 3 },
    ]) {
      let error: unknown;
      try {
        createDashboardHandler(opts as DashboardOptions);
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(opts)).toBeInstanceOf(DashboardOptionsError);
      expect(error).toBeInstanceOf(AdminError);
      expect((error as DashboardOptionsError).code).toBe("ERR_SB_ADMIN_INVALID_OPTION");
    }
  });

  it("works as a handler for frameworks: true when it answered, false otherwise", async () => {
    const handler = createDashboardHandler({ path: "/admin" });
    http = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(404).end("next");
    });
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    expect((await get(`${base}/admin/style.css`)).status).toBe(200);
    expect((await get(`${base}/elsewhere`)).body.toString()).toBe("next");
  });

  it("coexists with a Socket.IO server on the same HTTP server (handshake and client bundle still work)", async () => {
    const { base } = await start({}, true);
    const handshake = await get(`${base}/socket.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    expect(handshake.body.toString()).toMatch(/^0\{"sid":/);
    const bundle = await get(`${base}/socket.io/socket.io.min.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers["content-type"]).toContain("javascript");
    expect((await get(`${base}/admin`)).status).toBe(200);
  });
});

describe("the generated page module", () => {
  it("is up to date with ui/ (run `npm run build:ui -w @switchboard/admin` after editing the page)", async () => {
    const fresh = renderModule(await bundleUi());
    expect(readFileSync(GENERATED, "utf8") === fresh).toBe(true);
  });

  it("contains no inline script or style the CSP would block", () => {
    expect(UI_FILES["app.js"]).not.toContain("innerHTML");
    expect(UI_FILES["app.js"]).not.toMatch(/\beval\(|new Function\(/);
    expect(UI_FILES["index.html"]).not.toMatch(/<script(?![^>]*\ssrc=)/);
  });
});
