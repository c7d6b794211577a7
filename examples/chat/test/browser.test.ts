// The chat page in headless Chromium: rendering user text, offline sending, restarts, reloads, names.
import { join as pathJoin } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanup, join, startChat, stopChat, tempDir } from "./helpers.js";
import { available, connected, launch, openAs, openPage, requireChromium } from "./page.js";

requireChromium("chat in Chromium");

let browser: Browser;
beforeAll(async () => {
  if (available) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(cleanup);

const notices = (page: Page): Promise<string[]> => page.locator(".notice").allTextContents();

describe.runIf(available)("chat in Chromium", () => {
  it("renders a script-bearing message from another user as literal text", async () => {
    const chat = await startChat();
    const dialogs: string[] = [];
    const alice = await openAs(browser, chat, "alice", dialogs);
    const bob = await openAs(browser, chat, "bob", dialogs);
    await alice.locator('#user-list li[data-user="bob"]').waitFor();

    const evil = "<img src=x onerror=alert(1)>";
    await alice.fill("#message-input", evil);
    await alice.press("#message-input", "Enter");

    const received = bob.locator(".msg .text").filter({ hasText: evil });
    await received.waitFor();
    expect(await received.textContent()).toBe(evil);
    expect(await bob.locator("#messages img").count()).toBe(0);
    expect(await bob.locator("img").count()).toBe(0);
    // The sender sees it as her own, delivered message.
    const own = alice.locator(".msg.own").filter({ hasText: evil });
    await alice.locator('.msg.own[data-status="delivered"]').waitFor();
    expect(await own.count()).toBe(1);
    expect(await bob.locator(".msg.own").count()).toBe(0);
    expect(dialogs).toEqual([]);

    // A third page asking for a name already in use stays on the join form with the server's reason.
    const third = await openPage(browser, chat);
    await third.fill("#name-input", "ALICE");
    await third.click("#join-form button");
    await third.locator("#join-error", { hasText: 'The name "ALICE" is already taken' }).waitFor();
    expect(await third.locator("#chat-screen").isHidden()).toBe(true);

    // A private message from bob's user list reaches alice only, under "Direct messages".
    await bob.click('#user-list li[data-user="alice"] button');
    await bob.fill("#message-input", "psst");
    await bob.press("#message-input", "Enter");
    const dm = alice.locator('#dm-list li[data-user="bob"]');
    await dm.locator(".unread", { hasText: "1" }).waitFor();
    await dm.locator("button").click();
    await alice.locator(".msg.private .text", { hasText: "psst" }).waitFor();
  });

  it("groups messages by sender with initials avatars, separates days, and scrolls to new messages", async () => {
    const chat = await startChat();
    const day = 86_400_000;
    const now = Date.now();
    const old = [
      { from: "Grace Hopper", text: "three days ago", ts: now - 3 * day },
      { from: "Grace Hopper", text: "a minute later", ts: now - 3 * day + 60_000 },
      { from: "alan", text: "yesterday", ts: now - day },
    ];
    for (const [i, m] of old.entries())
      await chat.store.add({ id: `old-${i}`, room: "general", ...m });
    const page = await openAs(browser, chat, "ada");
    await page.locator(".msg .text", { hasText: "yesterday" }).waitFor();
    const days = await page.locator("#messages .day").allTextContents();
    expect(days).toHaveLength(2);
    expect(days[1]).toBe("Yesterday");
    // Grace's two messages share one header (avatar "GH"); alan's starts a new group.
    expect(await page.locator(".msg .avatar").allTextContents()).toEqual(["GH", "A"]);
    expect(await page.locator(".msg.continued .text").allTextContents()).toEqual([
      "a minute later",
    ]);

    // More messages than fit (within the rate limit): the list follows them, the newest is in view.
    const { socket } = await join(chat, "bob");
    for (let i = 0; i < 18; i++) socket.emit("message", { room: "general", text: `line ${i}` });
    const last = page.locator(".msg .text", { hasText: "line 17" });
    await last.waitFor();
    await expect.poll(() => last.isVisible()).toBe(true);
    const inView = await last.evaluate((node) => {
      const list = document.getElementById("messages")!;
      const frame = list.getBoundingClientRect();
      const box = node.getBoundingClientRect();
      // The list did overflow (so following the messages needed a scroll), and the newest is inside its frame.
      return (
        list.scrollHeight > list.clientHeight &&
        box.bottom <= frame.bottom + 1 &&
        box.top >= frame.top - 1
      );
    });
    expect(inView).toBe(true);
    expect(await page.locator(".day").last().textContent()).toBe("Today");
  });

  it("leaving the last room shows 'no conversation', not a phantom private conversation", async () => {
    const chat = await startChat();
    const alice = await openAs(browser, chat, "alice");
    await alice.click("#leave-button");
    await alice.locator("#conversation-title", { hasText: "No conversation open" }).waitFor();
    expect(await alice.locator("#empty-state").isVisible()).toBe(true);
    expect(await alice.locator("#leave-button").isHidden()).toBe(true);
    expect(await alice.locator("#message-input").isDisabled()).toBe(true);
    expect(await alice.locator("#dm-list li").count()).toBe(0);
    // #general is still there to join again, under "Other rooms".
    await alice.locator('#other-room-list li[data-room="general"] button').click();
    await alice.locator("#conversation-title", { hasText: "#general" }).waitFor();
    expect(await alice.locator("#message-input").isEnabled()).toBe(true);
  });

  it("shows 'reconnecting' while the server is down, sends what was typed meanwhile, and keeps history", async () => {
    const dbFile = pathJoin(tempDir(), "chat.db");
    const first = await startChat({ dbFile });
    const alice = await openAs(browser, first, "alice");
    await alice.fill("#message-input", "before restart");
    await alice.press("#message-input", "Enter");
    await alice.locator('.msg.own[data-status="delivered"]').waitFor();

    const port = first.port;
    await stopChat(first);
    await alice.locator('#status[data-status="reconnecting"]').waitFor();
    await alice.fill("#message-input", "typed while offline");
    await alice.press("#message-input", "Enter");
    const pending = alice.locator(".msg.own", { hasText: "typed while offline" });
    expect(await pending.getAttribute("data-status")).toBe("pending");

    const second = await startChat({ dbFile, port });
    await alice.locator('#status[data-status="connected"]').waitFor();
    await alice
      .locator('.msg.own[data-status="delivered"]', { hasText: "typed while offline" })
      .waitFor();

    // A newcomer after the restart sees both messages from history, in order.
    const bob = await openAs(browser, second, "bob");
    const texts = bob.locator(".msg .text");
    await texts.nth(1).waitFor();
    expect(await texts.allTextContents()).toEqual(["before restart", "typed while offline"]);
  });

  it("a server restart adds no 'left' / 'joined' notices", async () => {
    const dbFile = pathJoin(tempDir(), "chat.db");
    const first = await startChat({ dbFile });
    const alice = await openAs(browser, first, "alice");
    const bob = await openAs(browser, first, "bob");
    await alice.locator(".notice", { hasText: "bob joined #general" }).waitFor();
    const before = [await notices(alice), await notices(bob)];

    const port = first.port;
    await stopChat(first);
    await alice.locator('#status[data-status="reconnecting"]').waitFor();
    const second = await startChat({ dbFile, port });
    for (const page of [alice, bob]) {
      await page.locator('#status[data-status="connected"]').waitFor();
      await page.locator("#user-list li").nth(1).waitFor();
    }
    // Both are back: a message from bob reaches alice, so anything the rejoins sent has arrived too.
    await bob.fill("#message-input", "still here");
    await bob.press("#message-input", "Enter");
    await alice.locator(".msg .text", { hasText: "still here" }).waitFor();
    expect([await notices(alice), await notices(bob)]).toEqual(before);
    await stopChat(second);
  });

  it("keeps messages typed offline when the name was taken meanwhile, says so, and sends them under the new name", async () => {
    const dbFile = pathJoin(tempDir(), "chat.db");
    const first = await startChat({ dbFile });
    const alice = await openAs(browser, first, "alice");
    const port = first.port;
    // The page cannot reach the new server until "alice" has been taken there by someone else.
    await alice.context().setOffline(true);
    await stopChat(first);
    await alice.locator('#status[data-status="connected"]').waitFor({ state: "detached" });
    await alice.fill("#message-input", "written offline");
    await alice.press("#message-input", "Enter");
    await alice.locator(".msg.own.pending", { hasText: "written offline" }).waitFor();

    const second = await startChat({ dbFile, port });
    const other = await join(second, "alice", { token: "someone-else" });
    await alice.context().setOffline(false);
    const error = alice.locator("#join-error");
    await error.waitFor();
    expect(await error.textContent()).toBe(
      'The name "alice" is already taken. Choose another name. Your unsent message is kept and will be sent when you join again.',
    );

    const received = new Promise<unknown>((resolve) => other.socket.on("message", resolve));
    await alice.fill("#name-input", "alice2");
    await alice.click("#join-form button");
    await connected(alice, "alice2");
    expect(await received).toMatchObject({ from: "alice2", text: "written offline" });
    await alice
      .locator('.msg.own[data-status="delivered"]', { hasText: "written offline" })
      .waitFor();
  });

  it("a reload keeps the name, the joined rooms and the private conversations", async () => {
    const chat = await startChat();
    const alice = await openAs(browser, chat, "alice");
    await openAs(browser, chat, "bob");
    await alice.fill("#room-input", "dev");
    await alice.press("#room-input", "Enter");
    await alice.locator("#conversation-title", { hasText: "#dev" }).waitFor();
    await alice.click('#user-list li[data-user="bob"] button');
    await alice.locator("#conversation-title", { hasText: "bob" }).waitFor();

    await alice.reload();
    await connected(alice, "alice");
    await alice.locator('#room-list li[data-room="dev"]').waitFor();
    expect(
      await alice.locator("#room-list li").evaluateAll((l) => l.map((x) => x.dataset["room"])),
    ).toEqual(["dev", "general"]);
    await alice.locator('#dm-list li[data-user="bob"]').waitFor();
    expect(await alice.locator("#conversation-title").textContent()).toBe("bob");
  });

  it("explains a name that is too long or has forbidden characters instead of cutting it", async () => {
    const chat = await startChat();
    const page = await openPage(browser, chat);
    const long = "a".repeat(40);
    await page.fill("#name-input", long);
    expect(await page.inputValue("#name-input")).toBe(long);
    await page.click("#join-form button");
    await page
      .locator("#join-error", {
        hasText: "The display name is 40 characters long; the limit is 32",
      })
      .waitFor();
    await page.fill("#name-input", "a<b>");
    await page.click("#join-form button");
    await page
      .locator("#join-error", {
        hasText: 'The display name contains characters that are not allowed: "<", ">"',
      })
      .waitFor();
    expect(await page.locator("#chat-screen").isHidden()).toBe(true);
  });

  it("checks payloads with the server's contract before sending, and shows refusals by their message", async () => {
    const chat = await startChat();
    const bob = await join(chat, "bob");
    const seen: string[] = [];
    bob.socket.on("message", (m: { text: string }) => seen.push(m.text));
    const page = await openPage(browser, chat);
    // The bundled zod needs nothing the CSP forbids (no eval): no violation reports.
    const csp: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await page.fill("#name-input", "alice");
    await page.click("#join-form button");
    await connected(page, "alice");
    const loaded = await page.evaluate(
      () => typeof (window as unknown as { ChatContract?: { chatContract?: object } }).ChatContract,
    );
    expect(loaded).toBe("object");

    // A room name the contract refuses: the page's client refuses it, with the contract's message.
    await page.fill("#room-input", "no/slashes");
    await page.press("#room-input", "Enter");
    await page.locator("#room-error", { hasText: "Room names use a-z, 0-9" }).waitFor();

    // A message with a control character: refused before it leaves, marked failed, the reason shown.
    await page.fill("#message-input", "bell\u0007");
    await page.press("#message-input", "Enter");
    await page
      .locator("#send-error", { hasText: "The message contains control characters" })
      .waitFor();
    await page.locator('.msg.own[data-status="failed"]').waitFor();
    // The next message goes through, and it is the only one bob got.
    await page.fill("#message-input", "fine");
    await page.press("#message-input", "Enter");
    await page.locator('.msg.own[data-status="delivered"]').waitFor();
    expect(seen).toEqual(["fine"]);
    expect(csp).toEqual([]);
  });
});
