import { describe, expect, test } from "vitest";
import { ErrorMessages, RequestError } from "../src/errors.js";

describe("request errors (§1.8)", () => {
  test("carry the wire code, the message, the status and a string code", () => {
    const cases: Array<[0 | 1 | 2 | 3 | 4 | 5, number, string]> = [
      [0, 400, "ERR_EIO_UNKNOWN_TRANSPORT"],
      [1, 400, "ERR_EIO_UNKNOWN_SID"],
      [2, 400, "ERR_EIO_BAD_HANDSHAKE_METHOD"],
      [3, 400, "ERR_EIO_BAD_REQUEST"],
      [4, 403, "ERR_EIO_FORBIDDEN"],
      [5, 400, "ERR_EIO_UNSUPPORTED_PROTOCOL_VERSION"],
    ];
    for (const [code, status, name] of cases) {
      const err = new RequestError(code);
      expect(err.errorCode).toBe(code);
      expect(err.status).toBe(status);
      expect(err.code).toBe(name);
      expect(err.message).toBe(ErrorMessages[code]);
    }
    expect(new RequestError(4, {}, "go away").message).toBe("go away");
  });
});
