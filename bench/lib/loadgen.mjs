// The load-generator process (pinned to the other core). It receives one `{ scenario, port, size }` job from
// the runner, reaches the server process through the runner (`rpc` messages relayed over IPC), runs the
// scenario and sends back `{ result }` or `{ error }`.
import { useClient } from "./harness.mjs";

const pending = new Map();
let nextId = 0;

function rpc(cmd) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    process.send({ rpc: id, cmd });
  });
}

/** The server handle the scenarios see. */
const ctl = {
  usage: () => rpc("usage"),
  gc: () => rpc("gc"),
  count: () => rpc("count"),
};

process.on("message", async (msg) => {
  if (msg.rpcReply !== undefined) {
    const p = pending.get(msg.rpcReply);
    pending.delete(msg.rpcReply);
    if (msg.error) p?.reject(new Error(msg.error));
    else p?.resolve(msg);
    return;
  }
  if (msg.job) {
    const { scenario, port, size, impl, client } = msg.job;
    try {
      await useClient(client);
      const mod = await import(`../scenarios/${scenario}.mjs`);
      const result = await mod.run({ port, ctl, size, impl });
      process.send({ result });
    } catch (err) {
      process.send({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
