// Wire-level fuzzing (docs/fuzzing.md): valid sessions (Engine.IO handshake + Socket.IO CONNECT, over polling
// and over WebSocket) followed by mutated packets, sent to @switchboard/server in a child process. Each round
// runs inside the attack harness: innocent clients keep doing ack round trips throughout, and afterwards the
// server is alive with no uncaught error, fresh clients connect over both transports and every counter is back
// to its baseline. Each session must also end in the server's own answer: the session closed, or a CONNECT
// sent after the mutated packets answered (silence is a stuck connection).
//
// `npm test` runs 2,000 packets with a fixed seed; `npm run fuzz -- --wire [--wire-runs N] [--seed S]` runs this
// file with SB_WIRE_FUZZ_* set (and `--wire-session I` replays one session).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runWireSessions } from "../../fuzz/src/wire/client.js";
import { underAttack, useServerChild } from "./harness/index.js";

const env = process.env;
const SEED = Number(env["SB_WIRE_FUZZ_SEED"] ?? 20_250_612);
const PACKETS = Number(env["SB_WIRE_FUZZ_PACKETS"] ?? 2000);
const SESSION = env["SB_WIRE_FUZZ_SESSION"];
/** Packets per round: the health checks run between rounds. */
const ROUND = 2000;
const rounds = SESSION !== undefined ? 1 : Math.max(1, Math.ceil(PACKETS / ROUND));

describe("wire fuzz", () => {
  const server = useServerChild();
  let next = SESSION !== undefined ? Number(SESSION) : 0;

  for (let r = 0; r < rounds; r++) {
    const packets = Math.min(ROUND, PACKETS - r * ROUND);
    const title =
      SESSION !== undefined
        ? `replays session ${SESSION} of seed ${SEED}`
        : `round ${r + 1}/${rounds}: ${packets} mutated packets, seed ${SEED}`;
    it(
      title,
      async () => {
        const child = server();
        let result: Awaited<ReturnType<typeof runWireSessions>> | undefined;
        await underAttack(child, async () => {
          result = await runWireSessions({
            port: child.port,
            seed: SEED,
            packets,
            from: next,
            sessions: SESSION !== undefined ? 1 : undefined,
            between: () => child.assertAlive(),
          });
          next += result.sessions;
        });
        if (env["SB_WIRE_FUZZ_PACKETS"] !== undefined) {
          const { sessions, packets: sent, mutated, closedByServer, answered } = result!;
          console.log(
            `wire fuzz round ${r + 1}: ${sessions} sessions, ${sent} packets (${mutated} mutated), ${closedByServer} closed by the server, ${answered} still served`,
          );
        }
        expect(result!.failures).toEqual([]);
        if (SESSION === undefined) {
          // Both endings happened: the mutations were refused sometimes, and were not all refused.
          expect(result!.closedByServer).toBeGreaterThan(0);
          expect(result!.answered).toBeGreaterThan(0);
          expect(result!.mutated).toBeGreaterThanOrEqual(packets);
        }
      },
      60_000 + packets * 20,
    );
  }
});

describe("wire fuzz client", () => {
  let silent: Server | undefined;
  afterEach(() => {
    silent?.closeAllConnections();
    silent?.close();
  });

  it("reports a server that never answers, with the seed, the session and its frames", async () => {
    silent = createServer(() => undefined); // accepts requests and upgrades, answers nothing
    await new Promise<void>((resolve) => silent!.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const result = await runWireSessions({
      port,
      seed: 5,
      packets: 1_000_000,
      sessions: 2,
      waitMs: 300,
    });
    expect(result.failures).toHaveLength(2);
    expect(result.failures[0]).toMatch(/^seed 5 session 0: no answer within 300 ms/);
    expect(result.failures[0]).toContain("--wire --seed 5 --wire-session 0");
    expect(result.failures[1]).toMatch(/^seed 5 session 1: /);
  });
});
