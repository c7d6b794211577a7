// `npm run fuzz -- --wire`: runs test/security/wire-fuzz.test.ts (the server child, innocent clients and health
// checks of the attack harness) with a seed and a packet count of our choosing, through Vitest.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface WireOptions {
  seed: number;
  /** Mutated packets to send (checked in rounds of 2,000). */
  packets: number;
  /** Replay this one session instead. */
  session?: number | undefined;
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Runs the wire fuzz test file; resolves with its exit code (0: every round healthy). */
export function runWireFuzz(opts: WireOptions): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SB_WIRE_FUZZ_SEED: String(opts.seed),
    SB_WIRE_FUZZ_PACKETS: String(opts.packets),
  };
  if (opts.session !== undefined) env["SB_WIRE_FUZZ_SESSION"] = String(opts.session);
  const vitest = join(ROOT, "node_modules", "vitest", "vitest.mjs");
  const args = [
    vitest,
    "run",
    "test/security/wire-fuzz.test.ts",
    "-t",
    "wire fuzz (round|replays)",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal !== null ? 1 : 0)));
  });
}
