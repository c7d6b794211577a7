// Where the bytes of an idle connection go: runs one server in this process (Switchboard or socket.io, the
// bench app, the bench options), opens N idle Socket.IO WebSocket clients from a child process, and reports
// the heap and RSS growth per connection after a forced GC. With --snapshot it also writes a V8 heap
// snapshot before and after and prints the per-constructor self-size difference per connection (internal
// arrays and property stores are charged to the object that holds them). Not part of `npm test`.
//
//   node --expose-gc bench/heap-model.mjs --server switchboard --n 5000
//   node --expose-gc bench/heap-model.mjs --server socket.io --n 2000 --snapshot --top 40
//   node --expose-gc bench/heap-model.mjs --n 5000 --ping-interval 1000   # after heartbeats
import { fork } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeHeapSnapshot } from "node:v8";
import { installApp, SERVER_OPTIONS } from "./lib/app.mjs";

/** Names shared by several classes, or too generic to say anything: labelled with their holder too. */
const AMBIGUOUS = new Set([
  "Socket",
  "Object",
  "Array",
  "Map",
  "Set",
  "system / Context",
  "Buffer",
]);

const { values: opts } = parseArgs({
  options: {
    server: { type: "string", default: "switchboard" },
    n: { type: "string", default: "5000" },
    snapshot: { type: "boolean", default: false },
    top: { type: "string", default: "30" },
    // Steady idle state: a short heartbeat, measured after every client answered a ping or two.
    "ping-interval": { type: "string" },
    client: { type: "string" }, // internal: run as the client process against this port
  },
});

if (opts.client) {
  const { connectMany } = await import("./lib/harness.mjs");
  const clients = await connectMany(Number(opts.client), Number(opts.n), 200);
  process.send?.({ connected: clients.length });
  process.on("message", () => process.exit(0));
} else {
  await main();
}

async function main() {
  if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc");
  const n = Number(opts.n);
  const pkg = opts.server === "socket.io" ? "socket.io" : "@switchboard/server";
  const { Server } = await import(pkg);
  const http = createServer();
  const pingInterval = opts["ping-interval"] ? Number(opts["ping-interval"]) : undefined;
  const io = new Server(http, pingInterval ? { ...SERVER_OPTIONS, pingInterval } : SERVER_OPTIONS);
  const app = installApp(io);
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = http.address().port;

  // Warm the code paths (lazily compiled code, first-use caches) so they land in the baseline.
  await runClients(port, 20, app);
  await waitFor(() => app.count() === 0);
  const snapA = opts.snapshot ? snap("a") : null;
  const before = settle();
  const child = await runClients(port, n, app, true);
  await waitFor(() => app.count() === n);
  if (pingInterval) await new Promise((r) => setTimeout(r, pingInterval * 2.5));
  const after = settle();
  const snapB = opts.snapshot ? snap("b") : null;
  const sock = readSockstat();
  const result = {
    server: opts.server,
    n,
    ping_interval: pingInterval ?? null,
    node: process.version,
    heap_b: Math.round((after.heapUsed - before.heapUsed) / n),
    rss_b: Math.round((after.rss - before.rss) / n),
    external_b: Math.round((after.external - before.external) / n),
    sockstat: sock,
  };
  console.log(JSON.stringify(result));
  if (snapA && snapB) {
    const a = aggregate(snapA);
    const b = aggregate(snapB);
    rmSync(snapA);
    rmSync(snapB);
    printDiff(a, b, n, Number(opts.top));
  }
  child.send("exit");
  io.close();
  http.close();
  setTimeout(() => process.exit(0), 200).unref();
}

function settle() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage();
}

function snap(tag) {
  const file = join(tmpdir(), `heap-model-${process.pid}-${tag}.heapsnapshot`);
  writeHeapSnapshot(file);
  return file;
}

async function runClients(port, n, app, keep = false) {
  const child = fork(new URL(import.meta.url), ["--client", String(port), "--n", String(n)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`client process exited ${code}`)));
  });
  if (!keep) {
    child.kill();
    await waitFor(() => app.count() === 0);
  }
  return child;
}

async function waitFor(cond, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `/proc/net/sockstat` TCP line: sockets in use and kernel memory pages (4 KiB) for TCP buffers. */
export function readSockstat() {
  try {
    const text = readFileSync("/proc/net/sockstat", "utf8");
    const m = /TCP: inuse (\d+) orphan \d+ tw \d+ alloc (\d+) mem (\d+)/.exec(text);
    return m ? { tcp_inuse: +m[1], tcp_alloc: +m[2], tcp_mem_pages: +m[3] } : null;
  } catch {
    return null;
  }
}

/** Sums self sizes by a label: the constructor for objects, the owner's constructor for backing stores. */
function aggregate(file) {
  const s = JSON.parse(readFileSync(file, "utf8"));
  const meta = s.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const types = meta.node_types[0];
  const etypes = meta.edge_types[0];
  const F = Object.fromEntries(meta.node_fields.map((k, i) => [k, i]));
  const E = Object.fromEntries(meta.edge_fields.map((k, i) => [k, i]));
  const { nodes, edges, strings } = s;
  const count = nodes.length / nf;
  const owner = new Int32Array(count).fill(-1);
  const ownerEdge = new Array(count);
  const firstEdge = new Uint32Array(count + 1);
  let e = 0;
  for (let i = 0; i < count; i++) {
    const base = i * nf;
    firstEdge[i] = e;
    const t = types[nodes[base + F.type]];
    const ec = nodes[base + F.edge_count];
    const isOwner = t === "object" || t === "closure";
    for (let k = 0; k < ec; k++, e += ef) {
      if (!isOwner) continue;
      const et = etypes[edges[e + E.type]];
      if (et === "weak" || et === "shortcut") continue;
      const to = edges[e + E.to_node] / nf;
      if (owner[to] === -1) {
        owner[to] = i;
        ownerEdge[to] =
          et === "element" || et === "hidden" ? "[]" : strings[edges[e + E.name_or_index]];
      }
    }
  }
  firstEdge[count] = e;
  const hasEdge = (i, want) => {
    for (let x = firstEdge[i]; x < firstEdge[i + 1]; x += ef) {
      const et = etypes[edges[x + E.type]];
      if (et !== "element" && et !== "hidden" && strings[edges[x + E.name_or_index]] === want) {
        return true;
      }
    }
    return false;
  };
  const socketKind = (i) =>
    hasEdge(i, "#transport")
      ? "engine Socket"
      : hasEdge(i, "_handle") || ownerEdge[i] === "<symbol owner_symbol>"
        ? "net.Socket"
        : "server Socket";
  const label = (i) => {
    const base = i * nf;
    const t = types[nodes[base + F.type]];
    const name = strings[nodes[base + F.name]];
    const where = (j = i, depth = 0) => {
      const o = owner[j];
      if (o < 0) return "";
      const on = strings[nodes[o * nf + F.name]] || "(closure)";
      const up = depth < 2 && AMBIGUOUS.has(on) ? where(o, depth + 1) : "";
      return ` in ${on}.${ownerEdge[j]}${up}`;
    };
    if (t === "object" && name === "Socket") {
      const kind = socketKind(i);
      return kind;
    }
    if (t === "object") return AMBIGUOUS.has(name) ? `${name}${where()}` : name;
    if (t === "closure") return `closure ${name || "(anonymous)"}${where()}`;
    if (t === "array" || t === "hidden") {
      const o = owner[i];
      if (o >= 0) {
        const ot = types[nodes[o * nf + F.type]];
        const on = strings[nodes[o * nf + F.name]];
        const holder = AMBIGUOUS.has(on) ? `${on}${where(o)}` : on;
        return `${ot === "closure" ? "closure " : ""}${holder} ${name.startsWith("(") ? name : `(${t})`}`;
      }
      return `(${t}) ${name}`;
    }
    if (t === "string" || t === "concatenated string" || t === "sliced string") {
      return `(string)${where()}`;
    }
    return `(${t}) ${name.slice(0, 40)}`;
  };
  const out = new Map();
  for (let i = 0; i < count; i++) {
    const size = nodes[i * nf + F.self_size];
    const k = label(i);
    const cur = out.get(k) ?? { count: 0, size: 0 };
    cur.count++;
    cur.size += size;
    out.set(k, cur);
  }
  return out;
}

function printDiff(a, b, n, top) {
  const rows = [];
  let total = 0;
  for (const [k, v] of b) {
    const w = a.get(k) ?? { count: 0, size: 0 };
    const bytes = (v.size - w.size) / n;
    const cnt = (v.count - w.count) / n;
    total += bytes;
    if (Math.abs(bytes) >= 1) rows.push({ k, bytes, cnt });
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  console.log(`\n| object (self size, incl. its backing stores) | count / conn | B / conn |`);
  console.log(`|---|---:|---:|`);
  for (const r of rows.slice(0, top)) {
    console.log(`| ${r.k.replaceAll("|", "\\|")} | ${r.cnt.toFixed(2)} | ${r.bytes.toFixed(0)} |`);
  }
  const rest = rows.slice(top).reduce((s, r) => s + r.bytes, 0);
  console.log(`| (the rest) | | ${rest.toFixed(0)} |`);
  console.log(`| **total of self sizes** | | **${total.toFixed(0)}** |`);
}
