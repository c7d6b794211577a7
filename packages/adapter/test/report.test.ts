// Console output of the adapter goes through src/report.ts: one prefix, the same channel socket.io uses
// (console.warn for the single-node serverSideEmit, console.error for a failure nobody awaits).
import { Adapter, type AdapterNamespace } from "@switchboard/adapter";
import { settle } from "@switchboard/adapter/internal";
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => vi.restoreAllMocks());

describe("report", () => {
  it("serverSideEmit on the in-memory adapter warns once, with the package prefix", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const adapter = new Adapter({ name: "/", sockets: new Map() } as unknown as AdapterNamespace);
    adapter.serverSideEmit(["hello"]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]).toEqual([
      "[switchboard/adapter] this adapter does not support the serverSideEmit() functionality",
    ]);
  });

  it("settle() reports a rejection on console.error instead of leaving it unhandled", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const reported = new Promise<unknown[]>((resolve) =>
      error.mockImplementation((...args) => resolve(args)),
    );
    const boom = new Error("boom");
    settle(Promise.reject(boom));
    expect(await reported).toEqual(["[switchboard/adapter] an adapter call failed:", boom]);
  });

  it("settle() of a fulfilled promise or of undefined reports nothing", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    settle(undefined);
    settle(Promise.resolve());
    await new Promise((r) => setImmediate(r));
    expect(error).not.toHaveBeenCalled();
  });
});
