#!/usr/bin/env node
// Codec micro-benchmarks: @switchboard/parser vs socket.io-parser and @switchboard/engine-parser vs
// engine.io-parser, encode and decode, text and binary. Each case alternates ours / theirs over several
// samples and reports the median ns per operation and the ratio (ours / theirs; below 1 is faster).
// Every case first checks that both sides produce the same result, so a fast wrong codec cannot win.
//
//   node bench/micro.mjs [--quick | --smoke] [--json out.jsonl]
import { appendFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual, parseArgs } from "node:util";
import * as ours from "@switchboard/parser";
import * as oursEio from "@switchboard/engine-parser";
import * as theirs from "socket.io-parser";
import * as theirsEio from "engine.io-parser";
import { median } from "./lib/stats.mjs";

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const SAMPLE_MS = opts.smoke ? 2 : opts.quick ? 50 : 200;
const SAMPLES = opts.smoke ? 1 : 5;

const chat = [
  "chat message",
  { user: "alice", text: "hello there, how are you today?", ts: 1732250000000, tags: ["a", "b"] },
];
const blob = Buffer.alloc(1024, 7);
const fileEvent = ["file", { name: "a.bin", size: blob.length }, blob];

/** Socket.IO: decode one packet (text, then attachments) with a fresh listener. */
function sioDecode(Decoder, chunks) {
  const d = new Decoder();
  let out;
  d.on("decoded", (p) => (out = p));
  for (const c of chunks) d.add(c);
  return out;
}
const eioEncodeTheirs = (packet, binary) => {
  let out;
  theirsEio.encodePacket(packet, binary, (x) => (out = x));
  return out;
};
const eioPayloadTheirs = (packets) => {
  let out;
  theirsEio.encodePayload(packets, (x) => (out = x));
  return out;
};

const encOurs = new ours.Encoder();
const encTheirs = new theirs.Encoder();
const textPacket = { type: 2, nsp: "/", data: chat, id: 12 };
const binPacket = { type: 2, nsp: "/", data: fileEvent };
const textWire = encTheirs.encode(textPacket);
const binWire = encTheirs.encode({ ...binPacket });
const eioPackets = Array.from({ length: 10 }, (_, i) => ({
  type: "message",
  data: `2["tick",${i},"${"x".repeat(40)}"]`,
}));
const eioPayload = eioPayloadTheirs(eioPackets);
const eioBin = { type: "message", data: blob };
const eioBase64 = eioEncodeTheirs(eioBin, false);

/** Makes decoded Socket.IO packets comparable (our decoder always sets `id`; buffers compared by bytes). */
const norm = (p) =>
  JSON.parse(
    JSON.stringify({ ...p, id: p?.id ?? null }, (_k, v) => (v?.type === "Buffer" ? v.data : v)),
  );
const normBytes = (p) => ({ type: p.type, data: Buffer.from(p.data).toString("hex") });

const CASES = [
  {
    name: "sio encode text",
    ours: () => encOurs.encode(textPacket),
    theirs: () => encTheirs.encode(textPacket),
  },
  {
    name: "sio decode text",
    ours: () => sioDecode(ours.Decoder, textWire),
    theirs: () => sioDecode(theirs.Decoder, textWire),
    norm,
  },
  // socket.io-parser's encoder mutates a binary packet (type, attachments), so each call gets a fresh object.
  {
    name: "sio encode binary (1 KiB)",
    ours: () => encOurs.encode({ ...binPacket }),
    theirs: () => encTheirs.encode({ ...binPacket }),
  },
  {
    name: "sio decode binary (1 KiB)",
    ours: () => sioDecode(ours.Decoder, binWire),
    theirs: () => sioDecode(theirs.Decoder, binWire),
    norm,
  },
  {
    name: "eio encode text",
    ours: () => oursEio.encodePacket(eioPackets[0], true),
    theirs: () => eioEncodeTheirs(eioPackets[0], true),
  },
  {
    name: "eio decode text",
    ours: () => oursEio.decodePacket("4hello world"),
    theirs: () => theirsEio.decodePacket("4hello world"),
  },
  {
    name: "eio encode binary base64 (1 KiB)",
    ours: () => oursEio.encodePacket(eioBin, false),
    theirs: () => eioEncodeTheirs(eioBin, false),
  },
  {
    name: "eio decode binary base64 (1 KiB)",
    ours: () => oursEio.decodePacket(eioBase64, "nodebuffer"),
    theirs: () => theirsEio.decodePacket(eioBase64, "nodebuffer"),
    norm: normBytes,
  },
  {
    name: "eio encode payload (10 packets)",
    ours: () => oursEio.encodePayload(eioPackets),
    theirs: () => eioPayloadTheirs(eioPackets),
  },
  {
    name: "eio decode payload (10 packets)",
    ours: () => oursEio.decodePayload(eioPayload),
    theirs: () => theirsEio.decodePayload(eioPayload),
  },
];

let sink = 0;
/** ns per call of `fn`, measured over about SAMPLE_MS. */
function sample(fn) {
  let n = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(SAMPLE_MS * 1e6);
  let t = t0;
  while (t < end) {
    for (let i = 0; i < 100; i++) if (fn() !== undefined) sink++;
    n += 100;
    t = process.hrtime.bigint();
  }
  return Number(t - t0) / n;
}

/** Runs every case; returns `{ name, ours_ns, theirs_ns, ratio, same }` rows. */
export function runMicro() {
  const rows = [];
  for (const c of CASES) {
    const f =
      c.norm ??
      ((x) => (Buffer.isBuffer(x) || ArrayBuffer.isView(x) ? Buffer.from(x).toString("hex") : x));
    const a = c.ours();
    const b = c.theirs();
    const same = isDeepStrictEqual(
      JSON.parse(JSON.stringify(f(a))),
      JSON.parse(JSON.stringify(f(b))),
    );
    sample(c.ours);
    sample(c.theirs); // warm-up
    const o = [];
    const t = [];
    for (let i = 0; i < SAMPLES; i++) {
      o.push(sample(c.ours));
      t.push(sample(c.theirs));
    }
    const ours_ns = median(o);
    const theirs_ns = median(t);
    rows.push({
      name: c.name,
      ours_ns: Math.round(ours_ns),
      theirs_ns: Math.round(theirs_ns),
      ratio: Math.round((ours_ns / theirs_ns) * 100) / 100,
      same,
    });
  }
  return rows;
}

const rows = runMicro();
const lines = [
  "| case | Switchboard ns/op | socket.io ns/op | ratio | same output |",
  "|---|---:|---:|---:|---|",
];
for (const r of rows) {
  lines.push(
    `| ${r.name} | ${r.ours_ns.toLocaleString("en-US")} | ${r.theirs_ns.toLocaleString("en-US")} | ${r.ratio.toFixed(2)} | ${r.same ? "yes" : "NO"} |`,
  );
}
console.log(lines.join("\n"));
if (opts.json) {
  writeFileSync(opts.json, "");
  for (const r of rows)
    appendFileSync(
      opts.json,
      `${JSON.stringify({ time: new Date().toISOString(), node: process.version, ...r })}\n`,
    );
}
if (sink < 0) console.log(sink);
if (rows.some((r) => !r.same)) {
  console.error("some cases differ in output between the two codecs");
  process.exitCode = 1;
}
