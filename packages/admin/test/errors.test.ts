import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { AdminError, AdminErrorCode } from "@switchboard/admin";

describe("error catalogue", () => {
  it("documents every error code in the README", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const code of Object.values(AdminErrorCode)) expect(readme).toContain(code);
  });

  it("errors carry a stable code", () => {
    const err = new AdminError(AdminErrorCode.INVALID_OPTION, "bad");
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("AdminError");
    expect(err.code).toBe("ERR_SB_ADMIN_INVALID_OPTION");
    expect(Object.values(AdminErrorCode).every((c) => c.startsWith("ERR_SB_ADMIN_"))).toBe(true);
  });
});
