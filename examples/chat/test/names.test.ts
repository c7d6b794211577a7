import { afterEach, describe, expect, it } from "vitest";
import { cleanup, client, join, once, startChat } from "./helpers.js";

afterEach(cleanup);

async function refusal(
  auth: Record<string, unknown>,
  existing?: string,
): Promise<Error & { data?: { code?: string } }> {
  const chat = await startChat();
  if (existing) await join(chat, existing);
  const socket = client(chat, auth);
  const failed = once<[Error & { data?: { code?: string } }]>(socket, "connect_error");
  socket.connect();
  const [err] = await failed;
  return err;
}

describe("display names", () => {
  it("refuses a missing name", async () => {
    const err = await refusal({});
    expect(err.message).toBe("Please choose a display name");
    expect(err.data?.code).toBe("ERR_CHAT_NAME_MISSING");
  });

  it("refuses an empty or blank name", async () => {
    const err = await refusal({ name: "   " });
    expect(err.message).toBe("The display name cannot be empty");
    expect(err.data?.code).toBe("ERR_CHAT_NAME_EMPTY");
  });

  it("refuses a name longer than 32 characters", async () => {
    const err = await refusal({ name: "x".repeat(33) });
    expect(err.data?.code).toBe("ERR_CHAT_NAME_TOO_LONG");
    expect(err.message).toBe("The display name is 33 characters long; the limit is 32");
  });

  it("says which characters of a name are not allowed", async () => {
    const err = await refusal({ name: "<b>a\u0007b\u202e" });
    expect(err.data?.code).toBe("ERR_CHAT_NAME_INVALID");
    expect(err.message).toBe(
      'The display name contains characters that are not allowed: "<", ">", U+0007, U+202E',
    );
  });

  it("refuses a name that is not a string, or has markup or control characters", async () => {
    expect((await refusal({ name: 42 })).data?.code).toBe("ERR_CHAT_NAME_MISSING");
    await cleanup();
    expect((await refusal({ name: "<b>x</b>" })).data?.code).toBe("ERR_CHAT_NAME_INVALID");
    await cleanup();
    expect((await refusal({ name: "a\u0000b" })).data?.code).toBe("ERR_CHAT_NAME_INVALID");
  });

  it("refuses a duplicate name, case-insensitively", async () => {
    const err = await refusal({ name: "ALICE" }, "alice");
    expect(err.message).toBe('The name "ALICE" is already taken');
    expect(err.data?.code).toBe("ERR_CHAT_NAME_TAKEN");
  });

  it("accepts a 32-character name and frees it on disconnect", async () => {
    const chat = await startChat();
    const name = "n".repeat(32);
    const first = await join(chat, name);
    expect(first.welcome.name).toBe(name);
    expect(first.welcome.joined.map((j) => j.room)).toEqual(["general"]);
    const observer = await join(chat, "observer");
    const gone = once<[string[]]>(observer.socket, "users", (users) => !users.includes(name));
    first.socket.disconnect();
    await gone;
    const again = await join(chat, name);
    expect(again.welcome.users).toEqual([name, "observer"]);
  });

  it("lets the same tab (same token) take its name back while the old connection lingers", async () => {
    const chat = await startChat();
    const old = await join(chat, "bob", { token: "tab-1" });
    const dropped = once(old.socket, "disconnect");
    const again = await join(chat, "bob", { token: "tab-1" });
    expect(again.welcome.users).toEqual(["bob"]);
    await dropped;
    // A different token is still refused.
    const thief = client(chat, { name: "bob", token: "tab-2" });
    const failed = once<[Error & { data?: { code?: string } }]>(thief, "connect_error");
    thief.connect();
    expect((await failed)[0].data?.code).toBe("ERR_CHAT_NAME_TAKEN");
  });
});
