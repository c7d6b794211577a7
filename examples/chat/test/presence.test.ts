import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, join, once, startChat, url } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const children = new Set<ReturnType<typeof spawn>>();

afterEach(async () => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  await cleanup();
});

describe("online users", () => {
  it("updates every client's list when people join and leave", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    expect(alice.welcome.users).toEqual(["alice"]);
    const seesBob = once<[string[]]>(alice.socket, "users", (u) => u.includes("bob"));
    const bob = await join(chat, "bob");
    expect(bob.welcome.users).toEqual(["alice", "bob"]);
    expect((await seesBob)[0]).toEqual(["alice", "bob"]);

    const bobGone = once<[string[]]>(alice.socket, "users", (u) => !u.includes("bob"));
    bob.socket.disconnect();
    expect((await bobGone)[0]).toEqual(["alice"]);
  });

  it("removes a user whose process dies without saying goodbye", async () => {
    const chat = await startChat();
    const alice = await join(chat, "alice");
    const seesCarol = once<[string[]]>(alice.socket, "users", (u) => u.includes("carol"));
    // A real drop: another process connects, then is killed with SIGKILL.
    const script = `import { io } from "@switchboard/client";
      const s = io(${JSON.stringify(url(chat))}, { auth: { name: "carol" }, reconnection: false });
      s.on("welcome", () => console.log("ready"));`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.add(child);
    await seesCarol;
    const carolGone = once<[string[]]>(alice.socket, "users", (u) => !u.includes("carol"));
    child.kill("SIGKILL");
    expect((await carolGone)[0]).toEqual(["alice"]);
  });
});
