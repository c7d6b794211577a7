#!/usr/bin/env node
// Client bundle size beside socket.io-client's: runs the client package's own size script
// (packages/client/scripts/size.mjs, gzip -9) and turns its lines into a Markdown table with ratios.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../packages/client/scripts/size.mjs", import.meta.url));
const run = spawnSync(process.execPath, [script], { encoding: "utf8" });
if (run.status !== 0) {
  console.error(run.stderr || `size script exited with ${run.status}`);
  process.exit(1);
}
// "<file>  ours: <n> B, <g> B gzip   socket.io-client: <n> B, <g> B gzip" (or "missing")
const LINE = /^(\S+)\s+ours:\s+(.*?)\s+socket\.io-client:\s+(.*)$/;
const parse = (s) => {
  const m = /^(\d+) B, (\d+) B gzip$/.exec(s.trim());
  return m ? { raw: Number(m[1]), gzip: Number(m[2]) } : null;
};
const fmt = (x) =>
  x ? `${x.raw.toLocaleString("en-US")} B / ${x.gzip.toLocaleString("en-US")} B gzip` : "missing";
const rows = [];
for (const line of run.stdout.split("\n")) {
  const m = LINE.exec(line.trim());
  if (m) rows.push({ file: m[1], ours: parse(m[2]), theirs: parse(m[3]) });
}
if (rows.length === 0) {
  console.error(`unexpected output from the size script:\n${run.stdout}`);
  process.exit(1);
}
console.log("| file | Switchboard | socket.io-client | gzip ratio |\n|---|---:|---:|---:|");
for (const r of rows) {
  const ratio = r.ours && r.theirs ? (r.ours.gzip / r.theirs.gzip).toFixed(2) : "–";
  console.log(`| \`${r.file}\` | ${fmt(r.ours)} | ${fmt(r.theirs)} | ${ratio} |`);
}
if (rows.some((r) => !r.ours)) process.exitCode = 1;
