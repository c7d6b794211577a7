// Overhead of instrument() on the benchmark's broadcast and echo work, robust to a busy machine: two server
// processes run side by side (plain, and instrumented with metrics on), and the load alternates between them
// in short bursts, many times, in random order; each server's CPU time (process.cpuUsage(), user + system)
// over its bursts is divided by the work done. Usage:
//   node packages/admin/bench/overhead.mjs [--mode production|development] [--rounds 20] [--admin]
//     [--event-log-rate N|Infinity] [--cpu-prof DIR]   (DIR: a V8 CPU profile of the instrumented server)
import { fork, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { io as adminIo } from "socket.io-client";
import { WsClient } from "../../../bench/lib/eio-client.mjs";

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1];
};
const mode = arg("mode", "production");
const rounds = Number(arg("rounds", "20"));
// --admin: an admin UI stays connected to the instrumented server (development mode then logs every event)
const withAdmin = process.argv.includes("--admin");
const eventLogRate = arg("event-log-rate", "");
const profDir = arg("cpu-prof", "");
const ECHO_CLIENTS = 50,
  ECHO_EACH = 40; // 2,000 round trips per burst
const BCAST_CLIENTS = 200,
  BCAST_COUNT = 50,
  BCAST_WINDOW = 4; // 10,000 deliveries per burst
const payload = "x".repeat(100);
const pinned = spawnSync("taskset", ["-cp", "1", String(process.pid)]).status === 0;

async function startServer(variant) {
  const execArgv =
    profDir !== "" && variant !== "base" ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
  const child = fork(
    fileURLToPath(new URL("./overhead-server.mjs", import.meta.url)),
    [variant, eventLogRate],
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv,
    },
  );
  // Both servers on core 0, the load on core 1 (as bench/ does), when taskset exists.
  if (pinned) spawnSync("taskset", ["-cp", "0", String(child.pid)]);
  const port = await new Promise((resolve) => child.once("message", (m) => resolve(m.port)));
  const usage = () =>
    new Promise((resolve) => {
      child.once("message", (m) => resolve(m.usage.user + m.usage.system));
      child.send("usage");
    });
  let admin;
  if (withAdmin && variant !== "base") {
    admin = adminIo(`http://127.0.0.1:${port}/admin`, { transports: ["websocket"] });
    await new Promise((resolve) => admin.once("config", resolve));
  }
  const echo = await Promise.all(
    Array.from({ length: ECHO_CLIENTS }, () => WsClient.connect(port)),
  );
  const bcast = await Promise.all(
    Array.from({ length: BCAST_CLIENTS }, () => WsClient.connect(port)),
  );
  let delivered = 0;
  let onDelivery = () => {};
  for (const c of bcast)
    c.on("bcast", () => {
      delivered++;
      onDelivery();
    });
  return {
    variant,
    child,
    usage,
    echo,
    bcast,
    async echoBurst() {
      await Promise.all(
        echo.map(async (c) => {
          for (let i = 0; i < ECHO_EACH; i++) await c.emitWithAck("echo", payload);
        }),
      );
      return ECHO_CLIENTS * ECHO_EACH;
    },
    async bcastBurst() {
      delivered = 0;
      const expected = BCAST_COUNT * BCAST_CLIENTS;
      let sent = 0;
      await new Promise((resolve) => {
        const pump = () => {
          while (
            sent < BCAST_COUNT &&
            sent * BCAST_CLIENTS - delivered < BCAST_WINDOW * BCAST_CLIENTS
          ) {
            bcast[0].emit("bcast", payload);
            sent++;
          }
          if (delivered >= expected) resolve();
        };
        onDelivery = pump;
        pump();
      });
      onDelivery = () => {};
      return expected;
    },
    async close() {
      for (const c of [...echo, ...bcast]) c.terminate();
      admin?.disconnect();
      child.send("close");
    },
  };
}

const servers = [await startServer("base"), await startServer(mode)];
const totals = new Map(
  servers.map((s) => [s.variant, { echo: { cpu: 0, units: 0 }, broadcast: { cpu: 0, units: 0 } }]),
);
const perRound = { echo: [], broadcast: [] };
for (let r = -2; r < rounds; r++) {
  // two warm-up rounds, not counted
  for (const scenario of ["echo", "broadcast"]) {
    const order = Math.random() < 0.5 ? servers : [...servers].reverse();
    const cpuPerUnit = {};
    for (const s of order) {
      const before = await s.usage();
      const units = scenario === "echo" ? await s.echoBurst() : await s.bcastBurst();
      const cpu = (await s.usage()) - before;
      cpuPerUnit[s.variant] = cpu / units;
      if (r >= 0) {
        const t = totals.get(s.variant)[scenario];
        t.cpu += cpu;
        t.units += units;
      }
    }
    if (r >= 0) perRound[scenario].push(cpuPerUnit[mode] / cpuPerUnit.base);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const logRate = eventLogRate === "" ? "" : `, eventLogRate: ${eventLogRate}`;
console.log(
  `${["listen", "stream", "plain"].includes(mode) ? mode : `instrument(io, { mode: "${mode}", metrics: true${logRate} })`}${withAdmin ? " with an admin UI connected" : ""} vs plain, ${rounds} rounds (node ${process.version})`,
);
console.log(
  "| scenario | plain µs/unit | instrumented µs/unit | overhead (totals) | overhead (median of round ratios) |",
);
console.log("|---|---:|---:|---:|---:|");
for (const scenario of ["broadcast", "echo"]) {
  const b = totals.get("base")[scenario],
    i = totals.get(mode)[scenario];
  const pb = b.cpu / b.units,
    pi = i.cpu / i.units;
  console.log(
    `| ${scenario} (${scenario === "echo" ? "round trip" : "delivery"}) | ${pb.toFixed(2)} | ${pi.toFixed(2)} | ${((pi / pb - 1) * 100).toFixed(1)} % | ${((median(perRound[scenario]) - 1) * 100).toFixed(1)} % |`,
  );
}
for (const s of servers) await s.close();
