// Open and close 1,000 sessions; nothing may leak: sessions, http listeners, timers, TCP handles.
import { expect, it } from "vitest";
import {
  describeEngines,
  handshake,
  post,
  startServer,
  waitFor,
  wsHandshake,
  type TestServer,
} from "./helpers.js";

const SESSIONS = 1000;
const CONCURRENCY = 50;

function countResources(): { timeouts: number; tcp: number } {
  const info = process.getActiveResourcesInfo();
  return {
    timeouts: info.filter((r) => r === "Timeout").length,
    tcp: info.filter((r) => r.startsWith("TCP")).length,
  };
}

function listenerCounts(srv: TestServer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of srv.http.eventNames()) out[String(name)] = srv.http.listenerCount(name);
  return out;
}

async function pollingSession(srv: TestServer): Promise<void> {
  const { sid } = await handshake(srv);
  expect((await post(srv, sid, "1")).text).toBe("ok");
  await srv.closed(sid);
}

async function wsSession(srv: TestServer): Promise<void> {
  const { client, sid } = await wsHandshake(srv);
  client.ws.close();
  await client.closed;
  await srv.closed(sid);
}

describeEngines("churn", (impl) => {
  it(
    `opens and closes ${SESSIONS} sessions (half polling, half websocket) without leaking`,
    { timeout: 60_000 },
    async () => {
      const srv = await startServer(impl, { pingInterval: 1000, pingTimeout: 500 });
      // Warm up once so lazily created shared structures (ws server, shared timers) exist in the baseline.
      await pollingSession(srv);
      await wsSession(srv);
      await waitFor(() => srv.engine.clientsCount === 0, "warm-up sessions closed");
      const listenersBefore = listenerCounts(srv);
      const before = countResources();

      let next = 0;
      let opened = 0;
      const worker = async (): Promise<void> => {
        while (next < SESSIONS) {
          const i = next++;
          await (i % 2 === 0 ? pollingSession(srv) : wsSession(srv));
          opened++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      expect(opened).toBe(SESSIONS);

      await waitFor(() => srv.engine.clientsCount === 0, "clientsCount back to 0", 5000);
      expect(listenerCounts(srv)).toEqual(listenersBefore);
      // Closed connections release their handles asynchronously; wait for them, then compare.
      await waitFor(
        () => {
          const now = countResources();
          return now.timeouts <= before.timeouts && now.tcp <= before.tcp;
        },
        "timers and TCP handles back to the baseline",
        5000,
      ).catch(() => undefined);
      const after = countResources();
      expect(after.timeouts, "active Timeout handles").toBeLessThanOrEqual(before.timeouts);
      expect(
        after.tcp,
        "active TCP handles (the listening server is in both counts)",
      ).toBeLessThanOrEqual(before.tcp);
    },
  );
});
