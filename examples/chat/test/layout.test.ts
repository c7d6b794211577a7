// The chat's layout and accessibility in headless Chromium, on a desktop and on a 390×844 phone:
// nothing scrolls sideways, Send stays on screen, the sidebar collapses, axe-core finds nothing serious.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanup, startChat } from "./helpers.js";
import {
  available,
  DESKTOP,
  launch,
  openAs,
  openPage,
  overflow,
  PHONE,
  requireChromium,
  seriousViolations,
} from "./page.js";

requireChromium("chat layout in Chromium");

let browser: Browser;
beforeAll(async () => {
  if (available) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(cleanup);

/** Whether the element is entirely inside the viewport. */
async function onScreen(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  const view = page.viewportSize()!;
  return (
    box !== null &&
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= view.width &&
    box.y + box.height <= view.height
  );
}

describe.runIf(available)("chat layout and accessibility", () => {
  for (const [label, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    for (const scheme of ["light", "dark"] as const) {
      it(`${label}, ${scheme}: no sideways scroll, Send visible, no serious axe violations`, async () => {
        const chat = await startChat();
        // bypassCSP only lets the test inject axe-core; the page itself runs under the chat's CSP.
        const options = { viewport, colorScheme: scheme, bypassCSP: true };
        const join = await openPage(browser, chat, [], options);
        expect(await overflow(join)).toBeLessThanOrEqual(0);
        expect(await seriousViolations(join)).toEqual([]);

        await openAs(browser, chat, "Grace Hopper", [], options);
        const page = await openAs(browser, chat, "Ada Lovelace", [], options);
        const long = "a-very-long-word-without-any-spaces-".repeat(6);
        await page.fill("#message-input", long);
        await page.press("#message-input", "Enter");
        await page.locator('.msg.own[data-status="delivered"]').waitFor();
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        expect(await onScreen(page, "#send-button")).toBe(true);
        expect(await onScreen(page, "#message-input")).toBe(true);
        expect(await seriousViolations(page)).toEqual([]);

        if (label === "phone") {
          // The sidebar is a drawer: closed, it takes no room; the menu button opens and Escape closes it.
          expect(await page.locator("#sidebar").isHidden()).toBe(true);
          await page.click("#menu-button");
          expect(await page.getAttribute("#menu-button", "aria-expanded")).toBe("true");
          await page.locator('#user-list li[data-user="Grace Hopper"]').waitFor();
          expect(await overflow(page)).toBeLessThanOrEqual(0);
          expect(await seriousViolations(page)).toEqual([]);
          await page.keyboard.press("Escape");
          expect(await page.locator("#sidebar").isHidden()).toBe(true);
        }
      });
    }
  }

  it("lists are keyboard-operable and the theme toggle switches and remembers the theme", async () => {
    const chat = await startChat();
    await openAs(browser, chat, "bob");
    const page = await openAs(browser, chat, "alice", [], { colorScheme: "light" });
    const bob = page.locator('#user-list li[data-user="bob"] button');
    await bob.focus();
    await page.keyboard.press("Enter");
    await page.locator("#conversation-title", { hasText: "bob" }).waitFor();
    // Focus is visible: the focused entry draws an outline.
    await page.locator('#dm-list li[data-user="bob"] button').focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Shift+Tab");
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).toBe("solid");

    const theme = (): Promise<string> =>
      page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await theme();
    await page.click("#theme-button");
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    expect(await theme()).not.toBe(light);
    await page.reload();
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
  });

  it.runIf(process.env["SCREENSHOT"])("refreshes docs/chat.png", async () => {
    const chat = await startChat();
    const options = { viewport: { width: 980, height: 560 }, colorScheme: "light" as const };
    const bob = await openAs(browser, chat, "Bob Kahn", [], options);
    const alice = await openAs(browser, chat, "Ada Lovelace", [], options);
    const say = async (page: Page, text: string): Promise<void> => {
      await page.fill("#message-input", text);
      await page.press("#message-input", "Enter");
      await page.locator('.msg.own[data-status="delivered"]', { hasText: text }).waitFor();
    };
    await say(bob, "Morning! The deploy went out at 9.");
    await say(bob, "Dashboards look green so far.");
    await say(alice, "Nice. <b>This tag</b> shows up as plain text, by the way.");
    await say(bob, "As it should be.");
    await bob.click('#user-list li[data-user="Ada Lovelace"] button');
    await say(bob, "Coffee later?");
    await alice.locator('#dm-list li[data-user="Bob Kahn"] .unread').waitFor();
    await alice.fill("#room-input", "ops");
    await alice.press("#room-input", "Enter");
    await alice.locator('#room-list li[data-room="general"] button').click();
    await alice.locator(".msg .text", { hasText: "As it should" }).waitFor();
    await alice.fill("#message-input", "Let's move the rollout talk to #ops");
    const dir = fileURLToPath(new URL("../docs/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    await alice.screenshot({ path: `${dir}chat.png` });
  });
});
