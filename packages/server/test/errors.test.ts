import { describe, expect, it } from "vitest";
import { AckTimeoutError, ReservedEventError, Server, SocketIOError } from "@switchboard/server";

describe("error catalogue", () => {
  it("errors carry their stable codes and Socket.IO's messages", () => {
    const reserved = new ReservedEventError("connect");
    expect(reserved).toBeInstanceOf(SocketIOError);
    expect(reserved.code).toBe("ERR_SIO_RESERVED_EVENT");
    expect(reserved.message).toBe('"connect" is a reserved event name');
    const timeout = new AckTimeoutError();
    expect(timeout.code).toBe("ERR_SIO_ACK_TIMEOUT");
    expect(timeout.message).toBe("operation has timed out");
  });

  it("attachApp is refused with ERR_SIO_NOT_SUPPORTED", async () => {
    const io = new Server();
    expect(() => io.attachApp({})).toThrow(
      expect.objectContaining({ code: "ERR_SIO_NOT_SUPPORTED" }) as Error,
    );
    await io.close();
  });
});
