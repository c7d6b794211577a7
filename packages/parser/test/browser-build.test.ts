// The decoding suites again, with the browser bundle's packet parser and placeholder pass
// (parse-packet.browser.ts, placeholders.browser.ts) in place of the server's, so both builds accept and refuse
// exactly the same input, with the same error codes.
import { expect, it, vi } from "vitest";

vi.mock("../src/parse-packet.js", async () => await import("../src/parse-packet.browser.js"));
vi.mock("../src/placeholders.js", async () => await import("../src/placeholders.browser.js"));

it("runs with the browser packet parser and placeholder pass", async () => {
  const [parse, parseBrowser, fill, fillBrowser] = await Promise.all([
    import("../src/parse-packet.js"),
    import("../src/parse-packet.browser.js"),
    import("../src/placeholders.js"),
    import("../src/placeholders.browser.js"),
  ]);
  expect(parse.parsePacket).toBe(parseBrowser.parsePacket);
  expect(fill.fillPlaceholders).toBe(fillBrowser.fillPlaceholders);
});

await import("./grammar.test.js");
await import("./decode-errors.test.js");
await import("./differential.test.js");
await import("./pollution.test.js");
await import("./binary.test.js");
