import { expect, test } from "vitest";
import { protocol } from "@switchboard/engine-parser";

test("speaks Engine.IO protocol 4", () => {
  expect(protocol).toBe(4);
});
