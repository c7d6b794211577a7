import { describe, expect, it } from "vitest";
import { AdapterError, MsgpackDecodeError, RequestTimeoutError } from "@switchboard/adapter";

describe("error catalogue", () => {
  it("errors carry their stable codes", () => {
    const timeout = new RequestTimeoutError(1, [], ["x"]);
    expect(timeout).toBeInstanceOf(AdapterError);
    expect(timeout).toMatchObject({
      code: "ERR_SB_ADAPTER_REQUEST_TIMEOUT",
      message: "timeout reached: missing 1 responses",
    });
    expect(new MsgpackDecodeError("bad", 3)).toMatchObject({
      code: "ERR_SB_MSGPACK_DECODE",
      offset: 3,
      message: "bad (at byte 3)",
    });
  });
});
