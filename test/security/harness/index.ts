// The attack harness (test/security/README.md has the overview). Typical use:
//
//   const server = useServerChild({ server: { maxHttpBufferSize: 1e5 } }); // restarted after a crash
//   it("CVE-XXXX: ...", () => underAttack(server(), async (from) => {
//     const child = server();
//     const conn = await RawConn.open(child.port);   // raw TCP, closed for you after the attack
//     await conn.write("...");
//     await conn.waitClosedByServer(3000, "the attacking connection");
//     await child.waitForEvent((e) => e.type === "engine-close", "the session to close", 3000, from);
//   }));
//
// - ServerChild: @switchboard/server on a plain http.Server in a child process (server-child.mjs), port 0 on
//   127.0.0.1; `health()` (sessions, sockets per namespace, adapter sizes, timers, resources, listeners,
//   uncaught errors, warnings), `memory()` (after gc), recorded server events, crash detection.
// - underAttack: innocent official clients (websocket + polling) doing echo round trips during the attack,
//   then: still alive, no uncaught error, innocents unharmed, fresh clients connect over both transports,
//   counters back to the baseline; optional heap-growth bound.
// - RawConn / http / handshake / poll / post / wsFrame: raw TCP and HTTP; RawWs: raw Engine.IO over `ws`.
export {
  ServerChild,
  useServerChild,
  type ChildEvent,
  type ChildOptions,
  type Health,
} from "./child.js";
export {
  underAttack,
  differences,
  waitForBaseline,
  type AttackOptions,
  type AttackReport,
} from "./attack.js";
export { connectClient, echo, freshClientWorks, Innocents } from "./innocents.js";
export {
  EIO_PATH,
  RawConn,
  closeSession,
  handshake,
  http,
  opened,
  poll,
  pollingSocket,
  pollingUrl,
  post,
  rawRequest,
  statusOf,
  wsFrame,
  wsUpgradeHeaders,
  type HttpResult,
} from "./raw.js";
export { RawWs, expectRefusedOverWs, type CloseInfo } from "./ws-client.js";
export { pollUntil, withTimeout } from "./wait.js";
