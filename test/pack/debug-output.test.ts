/**
 * Issue #20 "DEBUG": with `DEBUG=engine*,socket.io*` one client can be followed through the log: one line at
 * connect names the engine session id and the socket id, and every packet in and out is logged (decoded /
 * encoded at the Socket.IO level, received / sent at the Engine.IO level) under the session id. Without
 * `DEBUG`, nothing is written.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));

/** A server and a client in one process: connect, one event with an ack, disconnect, close. */
const APP = `
import { Server } from "@switchboard/server";
import { io } from "@switchboard/client";
const server = new Server(0);
server.on("connection", (socket) => socket.on("hello", (msg, ack) => ack(msg + "!")));
await new Promise((resolve) => server.httpServer.once("listening", resolve));
const client = io("http://127.0.0.1:" + server.httpServer.address().port, { transports: ["websocket"] });
process.stdout.write(await client.emitWithAck("hello", "world"));
client.disconnect();
await server.close();
`;

function run(debug: string): { stdout: string; stderr: string; status: number | null } {
  const env: NodeJS.ProcessEnv = { ...process.env, DEBUG: debug, DEBUG_COLORS: "0" };
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", APP], {
    cwd: repo,
    env,
    encoding: "utf8",
    timeout: 20_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("DEBUG output", () => {
  it("follows one client from its session to its packets", () => {
    const { stdout, stderr, status } = run("engine*,socket.io*");
    expect(status).toBe(0);
    expect(stdout).toBe("world!");
    const link = /engine session (\S+): socket (\S+) joined \/$/m.exec(stderr);
    expect(link, stderr).not.toBeNull();
    const [, sid, socketId] = link!;
    expect(sid).not.toBe(socketId);
    const lines = stderr.split("\n");
    const has = (re: RegExp): boolean => lines.some((line) => re.test(line));
    expect(has(new RegExp(`engine new session ${sid} over websocket`))).toBe(true);
    // Socket.IO level: the CONNECT answered with the socket id, the event and its ack.
    expect(has(new RegExp(`socket\\.io:client ${sid}: decoded packet \\{"type":0,"nsp":"/"`))).toBe(
      true,
    );
    expect(has(new RegExp(`${sid}: encoding packet .*"sid":"${socketId}"`))).toBe(true);
    expect(has(new RegExp(`${sid}: decoded packet .*\\["hello","world"\\]`))).toBe(true);
    expect(has(new RegExp(`${sid}: encoding packet .*\\["world!"\\]`))).toBe(true);
    // Engine.IO level: the same packets as messages received and sent.
    expect(
      has(new RegExp(`engine:socket ${sid}: received message 2\\d*\\["hello","world"\\]`)),
    ).toBe(true);
    expect(has(new RegExp(`engine:socket ${sid}: sending message 3\\d*\\["world!"\\]`))).toBe(true);
  });

  it("writes nothing without DEBUG", () => {
    const { stdout, stderr, status } = run("");
    expect(status).toBe(0);
    expect(stdout).toBe("world!");
    expect(stderr).toBe("");
  });
});
