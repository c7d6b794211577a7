import { describe, expect, test } from "vitest";
import { defaultGenerateId } from "../src/ids.js";

describe("ids", () => {
  test("are 20 base64url characters and distinct", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = defaultGenerateId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });
});
