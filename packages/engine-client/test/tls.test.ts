// TLS options in Node (ca, rejectUnauthorized) over polling and WebSocket, with a throwaway self-signed cert.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { attach } from "engine.io";
import { Socket } from "@switchboard/engine-client";
import { next } from "./peers.js";

let dir = "";
let key = "";
let cert = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sb-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  key = readFileSync(join(dir, "key.pem"), "utf8");
  cert = readFileSync(join(dir, "cert.pem"), "utf8");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("TLS", () => {
  let https: HttpsServer | undefined;
  let engine: { close(): void } | undefined;
  let client: Socket | undefined;
  afterEach(async () => {
    client?.close();
    engine?.close();
    https?.closeAllConnections();
    await new Promise<void>((resolve) => (https ? https.close(() => resolve()) : resolve()));
    https = undefined;
  });

  async function start(): Promise<string> {
    https = createServer({ key, cert });
    engine = attach(https, {});
    await new Promise<void>((resolve) => https!.listen(0, "127.0.0.1", resolve));
    return `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  }

  it("connects with the server's certificate as ca, then upgrades to wss", async () => {
    const url = await start();
    client = new Socket(url, { ca: cert });
    await next(client, "open");
    await next(client, "upgrade");
    expect(client.transport.name).toBe("websocket");
  });

  it("refuses an untrusted certificate by default, accepts it with rejectUnauthorized: false", async () => {
    const url = await start();
    client = new Socket(url, { transports: ["polling"] });
    const [err] = await next<[Error]>(client, "error");
    expect(err.message).toBe("xhr poll error");
    client = new Socket(url, { transports: ["websocket"], rejectUnauthorized: false });
    await next(client, "open");
    expect(client.transport.name).toBe("websocket");
  });
});
