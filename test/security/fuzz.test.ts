// The decoder fuzzer (fuzz/, docs/fuzzing.md) in its short, fixed-seed form: 20,000 generated and mutated inputs
// per decoder must keep every invariant (a packet or a typed error, never another throw; no prototype written;
// the protocol's shapes; round trips of unmutated inputs). And the harness itself must catch planted bugs, with
// the seed and index that rebuild the input, so that "zero failures" means something.
import { describe, expect, it } from "vitest";
import { checkPlainData, FuzzFailure, typedOrOk } from "../../fuzz/src/invariants.js";
import { Rng } from "../../fuzz/src/rng.js";
import { inputAt, runOne, runTarget } from "../../fuzz/src/runner.js";
import { showBytes, type Target } from "../../fuzz/src/target.js";
import { targets } from "../../fuzz/src/targets/index.js";

const SEED = 0x5eed_f022;
const RUNS = 20_000;

describe("decoder fuzzing, fixed seed", () => {
  it.each(Object.keys(targets))(
    "%s keeps every invariant over 20,000 inputs",
    (name) => {
      const result = runTarget(targets[name]!, { seed: SEED, runs: RUNS });
      expect(result.failures).toEqual([]);
      expect(result.runs).toBe(RUNS);
      // The generator reaches past the first byte: decoded packets and several kinds of refusal both occur.
      const outcomes = Object.entries(result.outcomes)
        .filter(([, n]) => n >= 20)
        .map(([k]) => k);
      expect(outcomes.length).toBeGreaterThanOrEqual(2);
      // Refusals: the error packet, an unfinished binary packet, a DecodeError code, a msgpack error message.
      const refused = (k: string): boolean =>
        k === "error" || k === "pending" || /^[A-Z_]+$/.test(k) || k.includes(" ");
      const accepted = Object.entries(result.outcomes)
        .filter(([k]) => !refused(k))
        .reduce((a, [, n]) => a + n, 0);
      expect(accepted).toBeGreaterThan(RUNS / 20);
      expect(accepted).toBeLessThan(RUNS * 0.95);
    },
    60_000,
  );

  it("rebuilds input #i alone, identical to the one a run made", () => {
    for (const target of Object.values(targets)) {
      for (const index of [0, 1, 17, 19_999]) {
        expect(target.show(inputAt(target, SEED, index))).toBe(
          target.show(inputAt(target, SEED, index)),
        );
      }
      expect(target.show(inputAt(target, SEED, 1))).not.toBe(
        target.show(inputAt(target, SEED + 1, 1)),
      );
    }
  });
});

// ---- planted bugs: the harness must report each, by seed and index ------------------------------------------------

class FakeDecodeError extends Error {}

/** Bytes in, a "packet" out; `bug` decides what goes wrong on which input. */
function fakeTarget(name: string, bug: (bytes: Uint8Array) => unknown): Target<Uint8Array> {
  return {
    name,
    description: "a planted bug",
    generate(rng: Rng) {
      const bytes = new Uint8Array(rng.int(8));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      return bytes;
    },
    check(bytes) {
      const r = typedOrOk(
        () => bug(bytes),
        (err) => err instanceof FakeDecodeError,
        "fake decoder",
      );
      if (r.ok) checkPlainData(r.value, () => false, "fake packet");
      return r.ok ? "ok" : "refused";
    },
    show: (bytes) => showBytes(bytes),
  };
}

describe("the fuzz harness catches planted bugs", () => {
  it("reports a TypeError escaping the decoder, and the seed and index rebuild the input", () => {
    const target = fakeTarget("planted-typeerror", (bytes) => {
      if (bytes[0] === 0x42) return (undefined as unknown as { x: number }).x; // TypeError
      if (bytes[0] === 0x43) throw new FakeDecodeError("refused"); // a typed error is fine
      return { length: bytes.length };
    });
    const result = runTarget(target, { seed: 7, runs: 5000, maxFailures: 3 });
    expect(result.failures.length).toBeGreaterThan(0);
    const [first] = result.failures;
    expect(first).toMatchObject({ target: "planted-typeerror", seed: 7, kind: "invariant" });
    expect(first!.message).toMatch(/untyped error: TypeError/);
    expect(inputAt(target, 7, first!.index)[0]).toBe(0x42);
    expect(first!.input).toBe(showBytes(inputAt(target, 7, first!.index)));
    // Rerunning that one index reproduces the failure; the typed refusals never count as failures.
    const again = runOne(target, 7, first!.index);
    expect("failure" in again && again.failure.message).toBe(first!.message);
    expect(result.outcomes["refused"]).toBeGreaterThan(0);
  });

  it("names the input that wrote to Object.prototype, then puts the prototype back", () => {
    const target = fakeTarget("planted-pollution", (bytes) => {
      if (bytes[0] === 0x99 && bytes.length === 3)
        (Object.prototype as Record<string, unknown>)["polluted"] = true;
      return {};
    });
    const result = runTarget(target, { seed: 11, runs: 30_000, batch: 1000 });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
    expect(result.failures.length).toBeGreaterThan(0);
    for (const f of result.failures) {
      expect(f.kind).toBe("pollution");
      expect(f.message).toContain("Object.prototype gained own key polluted");
      const input = inputAt(target, 11, f.index);
      expect([input[0], input.length]).toEqual([0x99, 3]);
    }
  });

  it("reports decoded data whose prototype a __proto__ key replaced", () => {
    const target = fakeTarget("planted-proto", (bytes) => {
      const out: Record<string, unknown> = {};
      // The mistake JSON.parse does not make: assigning `__proto__` sets the prototype.
      if (bytes.length === 5) out["__proto__"] = { isAdmin: true };
      return [out];
    });
    const result = runTarget(target, { seed: 3, runs: 2000, maxFailures: 1 });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.message).toMatch(/prototype is not Object\.prototype/);
    expect(inputAt(target, 3, result.failures[0]!.index)).toHaveLength(5);
  });

  it("reports a generator that throws, as a generator failure", () => {
    const target: Target<number> = {
      name: "planted-generator",
      description: "",
      show: String,
      check: () => "ok",
      generate: (rng) => {
        if (rng.int(100) === 0) throw new RangeError("bad generator");
        return 1;
      },
    };
    const result = runTarget(target, { seed: 1, runs: 1000, maxFailures: 1 });
    expect(result.failures[0]).toMatchObject({
      kind: "generator",
      message: "generator threw RangeError: bad generator",
    });
  });

  it("an invariant failure is a FuzzFailure carrying what the decoder threw", () => {
    expect(() =>
      typedOrOk(
        () => JSON.parse("{"),
        () => false,
        "JSON.parse",
      ),
    ).toThrow(FuzzFailure);
  });
});
