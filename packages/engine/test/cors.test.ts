import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { createCors, isAllowed, type CorsOptions } from "../src/cors.js";

let server: HttpServer | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Serves every request through the CORS middleware, then 200 "next". */
async function serve(options: CorsOptions): Promise<string> {
  const cors = createCors(options);
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    cors(req, res, (err) => {
      res.writeHead(err ? 500 : 200);
      res.end(err ? "error" : "next");
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
}

describe("CORS middleware (§1.9)", () => {
  test("a fixed origin with credentials sets the reference headers", async () => {
    const url = await serve({ origin: "http://a.example", credentials: true });
    const res = await fetch(url, { headers: { Origin: "http://a.example" } });
    expect(await res.text()).toBe("next");
    expect(res.headers.get("access-control-allow-origin")).toBe("http://a.example");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("vary")).toBe("Origin");
  });

  test("preflight OPTIONS is answered 204 with methods, headers and max age", async () => {
    const url = await serve({ origin: true, maxAge: 600, exposedHeaders: ["X-A", "X-B"] });
    const res = await fetch(url, {
      method: "OPTIONS",
      headers: { Origin: "http://b.example", "Access-Control-Request-Headers": "x-token" },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(res.headers.get("access-control-allow-origin")).toBe("http://b.example");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET,HEAD,PUT,PATCH,POST,DELETE");
    expect(res.headers.get("access-control-allow-headers")).toBe("x-token");
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("access-control-expose-headers")).toBe("X-A,X-B");
    expect(res.headers.get("vary")).toBe("Origin, Access-Control-Request-Headers");
  });

  test("defaults to `*` without Vary", async () => {
    const url = await serve({});
    const res = await fetch(url, { headers: { Origin: "http://c.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("vary")).toBeNull();
  });

  test("a list or RegExp reflects only matching origins", async () => {
    const url = await serve({
      origin: ["http://a.example", /\.good\.example$/],
      methods: ["GET", "POST"],
    });
    const ok = await fetch(url, { headers: { Origin: "http://x.good.example" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://x.good.example");
    const no = await fetch(url, { headers: { Origin: "http://evil.example" } });
    expect(no.headers.get("access-control-allow-origin")).toBeNull();
    expect(await no.text()).toBe("next");
    const pre = await fetch(url, { method: "OPTIONS", headers: { Origin: "http://a.example" } });
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET,POST");
  });

  test("an origin function decides per request; its error refuses", async () => {
    const url = await serve({
      origin: (origin, cb) => {
        if (origin === "http://bad.example") cb(new Error("no"));
        else cb(null, origin === "http://ok.example");
      },
    });
    const ok = await fetch(url, { headers: { Origin: "http://ok.example" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://ok.example");
    const other = await fetch(url, { headers: { Origin: "http://other.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const bad = await fetch(url, { headers: { Origin: "http://bad.example" } });
    expect(await bad.text()).toBe("error");
  });

  test("`origin: false` adds nothing", async () => {
    const url = await serve({ origin: false, credentials: true });
    const res = await fetch(url, { method: "OPTIONS", headers: { Origin: "http://a.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  test("isAllowed matches strings, RegExps, nested lists and booleans", () => {
    expect(isAllowed("http://a", "http://a")).toBe(true);
    expect(isAllowed("http://a", "http://b")).toBe(false);
    expect(isAllowed("http://a", /a$/g)).toBe(true);
    expect(isAllowed("http://a", /a$/g)).toBe(true); // lastIndex reset
    expect(isAllowed("http://a", [["http://x"], ["http://a"]] as never)).toBe(true);
    expect(isAllowed("http://a", true)).toBe(true);
    expect(isAllowed("http://a", false)).toBe(false);
  });
});
