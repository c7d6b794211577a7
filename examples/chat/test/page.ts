// Chromium plumbing for the chat's page tests: Debian's /usr/bin/chromium through playwright-core.
// Missing Chromium: the suites are skipped with a warning locally, and fail under CI=true.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { onCleanup } from "../../../test/support/cleanup.js";
import type { ChatServer } from "../src/chat-server.js";

const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
export const available = existsSync(executablePath);

/** Registers the CI failure / local warning for a missing Chromium; call once per test file. */
export function requireChromium(label: string): void {
  if (available) return;
  if (process.env["CI"] === "true") {
    describe(label, () =>
      it("needs Chromium under CI", () => expect.fail(`no Chromium at ${executablePath}`)),
    );
  } else {
    console.warn(
      `\n!!! No Chromium at ${executablePath}: SKIPPING ${label} (it fails under CI=true) !!!\n`,
    );
  }
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

/** A fresh page on the chat's join screen; JS dialogs (alerts) are collected into `dialogs`. */
export async function openPage(
  browser: Browser,
  chat: ChatServer,
  dialogs: string[] = [],
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext(options);
  // Closed before the test's servers (the registry runs last first), so no page reconnects into a closing server.
  onCleanup(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`http://127.0.0.1:${chat.port}/`);
  return page;
}

/** Opens the chat in a fresh browser context and joins as `name`. */
export async function openAs(
  browser: Browser,
  chat: ChatServer,
  name: string,
  dialogs: string[] = [],
  options: BrowserContextOptions = {},
): Promise<Page> {
  const page = await openPage(browser, chat, dialogs, options);
  await page.fill("#name-input", name);
  await page.click("#join-form button");
  await connected(page, name);
  return page;
}

/** Waits for the page to be connected (and welcomed) as `name`. */
export async function connected(page: Page, name: string): Promise<void> {
  await page.locator('#status[data-status="connected"]').waitFor();
  await page.locator("#me", { hasText: name }).waitFor();
}

/** `document.documentElement.scrollWidth - innerWidth`: > 0 means the page scrolls sideways. */
export function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } })
      .axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
