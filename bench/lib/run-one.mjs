// One measurement: a fresh server process (core 0) and a fresh load generator (core 1) run one scenario.
import { fileURLToPath } from "node:url";
import { startNode, stop } from "./procs.mjs";

const SERVER = fileURLToPath(new URL("./server-app.mjs", import.meta.url));
const LOADGEN = fileURLToPath(new URL("./loadgen.mjs", import.meta.url));

/**
 * The server's Node flags: with `SB_BENCH_PROF=<dir>`, a CPU profile per server process lands in `<dir>`
 * (named after the implementation), for finding where a scenario's time goes.
 */
function serverArgs(impl) {
  const dir = process.env["SB_BENCH_PROF"];
  if (!dir) return ["--expose-gc"];
  return [
    "--expose-gc",
    "--cpu-prof",
    `--cpu-prof-dir=${dir}`,
    `--cpu-prof-name=${impl}-${Date.now()}.cpuprofile`,
  ];
}

/**
 * @param {{ impl: string, scenario: string, size: object, timeoutMs: number, pin: boolean, client?: "official" }} opts
 * @returns {Promise<{ metrics?: object, checks?: object, error?: string }>}
 */
export async function runOne({ impl, scenario, size, timeoutMs, pin, client }) {
  let server;
  let gen;
  try {
    const starting = [
      startNode(SERVER, [impl], { cpu: pin ? 0 : undefined, execArgv: serverArgs(impl) }),
      startNode(LOADGEN, [], { cpu: pin ? 1 : undefined, execArgv: ["--max-old-space-size=4096"] }),
    ];
    // Keep hold of whichever started, so that `finally` stops it even when the other failed.
    starting[0].then(
      (x) => (server = x),
      () => {},
    );
    starting[1].then(
      (x) => (gen = x),
      () => {},
    );
    [server, gen] = await Promise.all(starting);
    const g = gen.child;
    // Relay the generator's requests to the server.
    g.on("message", async (m) => {
      if (m?.rpc === undefined) return;
      const reply = await server.call({ cmd: m.cmd });
      if (g.connected) g.send({ ...reply, id: undefined, rpcReply: m.rpc });
    });
    return await new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve({ error: `timed out after ${timeoutMs} ms` }),
        timeoutMs,
      );
      g.on("message", (m) => {
        if (m?.result || m?.error) {
          clearTimeout(timer);
          resolve(m.result ?? { error: m.error });
        }
      });
      g.once("exit", (code) => {
        clearTimeout(timer);
        resolve({ error: `load generator exited with ${code}` });
      });
      g.send({ job: { scenario, port: server.ready.port, size, impl, client } });
    });
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    await Promise.all([stop(gen?.child), stop(server?.child)]);
  }
}
