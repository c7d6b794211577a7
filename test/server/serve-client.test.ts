// Serving the browser client from the Socket.IO path (docs/protocol.md §3 `serveClient`): the files, their
// caching headers (ETag = the package version, 304 on If-None-Match) and compression. The bundle's
// contents differ by implementation, so only the HTTP contract is compared.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import { cleanup, startServer } from "./helpers.js";

afterEach(cleanup.run);

const files = [
  { file: "socket.io.js", type: /^application\/javascript/ },
  { file: "socket.io.min.js", type: /^application\/javascript/ },
  { file: "socket.io.esm.min.js", type: /^application\/javascript/ },
  { file: "socket.io.js.map", type: /^application\/json/ },
  { file: "socket.io.min.js.map", type: /^application\/json/ },
];

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe("serving the client", () => {
    it.each(files)(
      "GET /socket.io/$file: 200, ETag, Cache-Control, 304 on If-None-Match, gzip",
      async ({ file, type }) => {
        const started = await startServer(Server);
        const url = `${started.url}/socket.io/${file}`;
        const res = await fetch(url, { headers: { "accept-encoding": "identity" } });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(type);
        expect(res.headers.get("cache-control")).toBe("public, max-age=0");
        const etag = res.headers.get("etag");
        expect(etag).toMatch(/^"[^"]+"$/);
        const body = await res.text();
        expect(body.length).toBeGreaterThan(100);
        const cached = await fetch(url, { headers: { "if-none-match": etag! } });
        expect(cached.status).toBe(304);
        expect(await cached.text()).toBe("");
        const gz = await fetch(url, { headers: { "accept-encoding": "gzip" } });
        expect(gz.headers.get("content-encoding")).toBe("gzip");
        expect(await gz.text()).toBe(body); // fetch inflates it
      },
    );

    it("serveClient: false serves no client file", async () => {
      const started = await startServer(Server, { serveClient: false });
      const res = await fetch(`${started.url}/socket.io/socket.io.js`);
      expect(res.status).not.toBe(200);
      await res.arrayBuffer();
      expect(started.io.serveClient()).toBe(false);
    });
  });
});
