// Micro-benchmark of contract validation alone (issue #17), in one process: ns of CPU per event for the schema
// library's own `~standard.validate` call, for `contract.parse` (what the server runs per event: the library's call
// plus our lookup and in-place write), for the server's validation step with ordering (`inOrder`), and for a
// hand-written check of the same rules. Rounds interleave the variants; the table shows medians.
//
//   node bench/contract-micro.mjs [--rounds 7] [--n 300000]
import { defineContract, inOrder } from "@switchboard/contract";
import { z } from "zod";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const ROUNDS = arg("rounds", 7);
const N = arg("n", 300_000);

const payload = z.object({ s: z.string().max(1000), n: z.number().int() });
const contract = defineContract({ clientToServer: { echo: { args: [payload] } } });
const value = { s: "x".repeat(64), n: 42 };
const ack = () => {};
const key = {};
let sink = 0;
const settle = (_k, data, err) => {
  if (err === undefined) sink += data.length;
};
const valid = (d) =>
  typeof d === "object" &&
  d !== null &&
  typeof d.s === "string" &&
  d.s.length <= 1000 &&
  Number.isInteger(d.n);

// Each event arrives as a fresh array (as the decoder makes it); building it is outside what we compare, so every
// variant pays it.
const variants = {
  "library validate": () => {
    const data = ["echo", value, ack];
    const r = payload["~standard"].validate(data[1]);
    if (r.issues === undefined) data[1] = r.value;
    sink += data.length;
  },
  "contract.parse": () => {
    const data = ["echo", value, ack];
    if (contract.parse("clientToServer", data) === undefined) sink += data.length;
  },
  "parse + inOrder (server step)": () => {
    const data = ["echo", value, ack];
    inOrder(key, data, contract.parse("clientToServer", data), settle);
  },
  "hand-written check": () => {
    const data = ["echo", value, ack];
    if (valid(data[1])) sink += data.length;
  },
  "no check": () => {
    const data = ["echo", value, ack];
    sink += data.length;
  },
};

const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (const fn of Object.values(variants)) for (let i = 0; i < N / 10; i++) fn(); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const names = Object.keys(variants);
  if (r % 2 === 1) names.reverse();
  for (const name of names) {
    const fn = variants[name];
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) fn();
    const c = process.cpuUsage(c0);
    times[name].push(((c.user + c.system) * 1000) / N);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`CPU ns per event (median of ${ROUNDS} rounds × ${N}; sink ${sink > 0})`);
console.log("| variant | ns / event |");
console.log("|---|---:|");
for (const name of Object.keys(variants))
  console.log(`| ${name} | ${median(times[name]).toFixed(0)} |`);
