import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { attachClientServing, preferredEncoding } from "../src/client-serving.js";

describe("serving the browser client (with a stand-in bundle)", () => {
  let http: HttpServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    http?.closeAllConnections();
    await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
    http = undefined;
  });

  async function start(): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), "sb-bundle-"));
    writeFileSync(join(dir, "socket.io.js"), "/* bundle */ var io = 1;".repeat(100));
    writeFileSync(join(dir, "socket.io.min.js.map"), '{"version":3}');
    http = createServer((_req, res) => {
      res.statusCode = 418;
      res.end("app");
    });
    attachClientServing(http, "/socket.io", undefined, { dir, etag: '"1.2.3"' });
    await new Promise<void>((resolve) => http?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  it("serves the bundle with ETag, cache headers and 304", async () => {
    const url = await start();
    const res = await fetch(`${url}/socket.io/socket.io.js`, {
      headers: { "accept-encoding": "identity" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"1.2.3"');
    expect(res.headers.get("cache-control")).toBe("public, max-age=0");
    expect(res.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(await res.text()).toContain("var io = 1;");
    const again = await fetch(`${url}/socket.io/socket.io.js`, {
      headers: { "if-none-match": '"1.2.3"' },
    });
    expect(again.status).toBe(304);
    const weak = await fetch(`${url}/socket.io/socket.io.js`, {
      headers: { "if-none-match": 'W/"1.2.3"' },
    });
    expect(weak.status).toBe(304);
    const stale = await fetch(`${url}/socket.io/socket.io.js`, {
      headers: { "if-none-match": '"1.2.2"' },
    });
    expect(stale.status).toBe(200);
  });

  it("compresses with gzip when asked", async () => {
    const url = await start();
    const res = await new Promise<{ encoding: string | undefined; body: Buffer }>(
      (resolve, reject) => {
        import("node:http")
          .then(({ get }) =>
            get(
              `${url}/socket.io/socket.io.js`,
              { headers: { "accept-encoding": "gzip" } },
              (r) => {
                const chunks: Buffer[] = [];
                r.on("data", (c: Buffer) => chunks.push(c));
                r.on("end", () =>
                  resolve({ encoding: r.headers["content-encoding"], body: Buffer.concat(chunks) }),
                );
              },
            ).on("error", reject),
          )
          .catch(reject);
      },
    );
    expect(res.encoding).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toContain("var io = 1;");
  });

  it("serves maps, 404s missing bundle files and leaves other paths to the app", async () => {
    const url = await start();
    const map = await fetch(`${url}/socket.io/socket.io.min.js.map`);
    expect(map.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await map.text()).toBe('{"version":3}');
    expect((await fetch(`${url}/socket.io/socket.io.esm.min.js`)).status).toBe(404);
    const other = await fetch(`${url}/elsewhere`);
    expect(other.status).toBe(418);
  });

  it("picks the encoding the client prefers: q first, then the client's order", () => {
    expect(preferredEncoding(undefined)).toBeUndefined();
    expect(preferredEncoding("gzip,br,deflate")).toBe("gzip");
    expect(preferredEncoding("br")).toBe("br");
    expect(preferredEncoding("deflate, gzip;q=0.5")).toBe("deflate");
    expect(preferredEncoding("gzip;q=0.2, br;q=0.9")).toBe("br");
    expect(preferredEncoding("gzip;q=0, identity")).toBeUndefined();
    expect(preferredEncoding("zstd, *")).toBe("br");
  });
});
