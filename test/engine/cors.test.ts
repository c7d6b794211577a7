// docs/protocol.md §1.9: CORS is off by default; with `cors` set, every Engine.IO response carries the headers.
import type { IncomingHttpHeaders } from "node:http";
import { expect, it } from "vitest";
import {
  describeEngines,
  expectErrorBody,
  handshake,
  post,
  request,
  startServer,
} from "./helpers.js";

const ORIGIN = "http://a.example";
const cors = { origin: ORIGIN, credentials: true };

function accessControl(headers: IncomingHttpHeaders): string[] {
  return Object.keys(headers).filter((h) => h.startsWith("access-control-"));
}

function expectCors(headers: IncomingHttpHeaders): void {
  expect(headers["access-control-allow-origin"]).toBe(ORIGIN);
  expect(headers["access-control-allow-credentials"]).toBe("true");
  expect(headers["vary"]?.split(/,\s*/)).toContain("Origin");
}

describeEngines("cors (§1.9)", (impl) => {
  it("off by default: no Access-Control-* headers on handshake, POST, errors or OPTIONS", async () => {
    const srv = await startServer(impl);
    const origin = { origin: ORIGIN };
    const { sid, res } = await handshake(srv, "", origin);
    expect(accessControl(res.headers)).toEqual([]);
    const p = await post(srv, sid, "4x", origin);
    expect(p.text).toBe("ok");
    expect(accessControl(p.headers)).toEqual([]);
    const err = await request(srv.url("EIO=4&transport=bogus"), { headers: origin });
    expect(err.status).toBe(400);
    expect(accessControl(err.headers)).toEqual([]);
    const pre = await request(srv.url("EIO=4&transport=polling"), {
      method: "OPTIONS",
      headers: { ...origin, "access-control-request-method": "POST" },
    });
    expect(accessControl(pre.headers)).toEqual([]);
  });

  it("with origin + credentials: headers on the handshake GET and on POST", async () => {
    const srv = await startServer(impl, { cors });
    const { sid, res } = await handshake(srv, "", { origin: ORIGIN });
    expectCors(res.headers);
    const p = await post(srv, sid, "4x", { origin: ORIGIN });
    expect(p.text).toBe("ok");
    expectCors(p.headers);
  });

  it("preflight OPTIONS → 204 with the allowed methods and the requested headers", async () => {
    const srv = await startServer(impl, { cors });
    const res = await request(srv.url("EIO=4&transport=polling"), {
      method: "OPTIONS",
      headers: {
        origin: ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expectCors(res.headers);
    expect(res.headers["access-control-allow-methods"]).toBe("GET,HEAD,PUT,PATCH,POST,DELETE");
    expect(res.headers["access-control-allow-headers"]?.toLowerCase()).toContain("content-type");
  });

  it("preflight on an existing session's URL → 204 too, and the session is unaffected", async () => {
    const srv = await startServer(impl, { cors });
    const { sid } = await handshake(srv);
    const res = await request(srv.url(`EIO=4&transport=polling&sid=${sid}`), {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expectCors(res.headers);
    expect(srv.isClosed(sid)).toBe(false);
    expect((await post(srv, sid, "4still")).text).toBe("ok");
  });

  it("error responses carry the CORS headers too", async () => {
    const srv = await startServer(impl, { cors });
    const res = await request(srv.url("EIO=4&transport=bogus"), { headers: { origin: ORIGIN } });
    expectErrorBody(res, 400, 0, "Transport unknown");
    expectCors(res.headers);
    const unknownSid = await request(srv.url("EIO=4&transport=polling&sid=nope12345678901234"), {
      headers: { origin: ORIGIN },
    });
    expectErrorBody(unknownSid, 400, 1, "Session ID unknown");
    expectCors(unknownSid.headers);
  });

  it.each([
    ["an array", ["http://a.example", "http://b.example"]],
    ["a RegExp", /^http:\/\/[ab]\.example$/],
    ["true (reflect)", true],
  ])("origin as %s reflects an allowed request Origin", async (_name, origin) => {
    const srv = await startServer(impl, { cors: { origin } });
    const { res } = await handshake(srv, "", { origin: "http://b.example" });
    expect(res.headers["access-control-allow-origin"]).toBe("http://b.example");
    expect(res.headers["vary"]?.split(/,\s*/)).toContain("Origin");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it.each([
    ["an array", ["http://a.example"]],
    ["a RegExp", /^http:\/\/a\.example$/],
  ])(
    "origin as %s sends no Allow-Origin for a request Origin it does not allow",
    async (_name, origin) => {
      const srv = await startServer(impl, { cors: { origin } });
      const { res } = await handshake(srv, "", { origin: "http://evil.example" });
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    },
  );

  it("a fixed origin is sent as configured whatever the request Origin (the browser enforces it)", async () => {
    const srv = await startServer(impl, { cors });
    const { res } = await handshake(srv, "", { origin: "http://evil.example" });
    expect(res.headers["access-control-allow-origin"]).toBe(ORIGIN);
  });
});
