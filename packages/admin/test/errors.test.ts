import { describe, expect, it } from "vitest";
import { AdminError, AdminErrorCode } from "@switchboard/admin";

describe("error catalogue", () => {
  it("errors carry a stable code", () => {
    const cause = new Error("root");
    const err = new AdminError(AdminErrorCode.INVALID_OPTION, "bad", { cause });
    expect(err.cause).toBe(cause);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("AdminError");
    expect(err.code).toBe("ERR_SB_ADMIN_INVALID_OPTION");
    expect(Object.values(AdminErrorCode).every((c) => c.startsWith("ERR_SB_ADMIN_"))).toBe(true);
  });
});
