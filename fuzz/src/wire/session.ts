// What one wire-fuzz session sends: a valid start (Engine.IO handshake, then a Socket.IO CONNECT), a few
// Socket.IO packets made with the real Encoder and mutated (text and attachments, sequence edits, Engine.IO-level
// edits), then a probe. Session #i is built from its own generator (seed, "wire", i), so it can be replayed alone.
import { Encoder, PacketType } from "@switchboard/parser";
import { bytesOf, isBinaryValue } from "../invariants.js";
import { mutateString, type MutationSource } from "../mutate.js";
import { Rng } from "../rng.js";
import { showBytes, showString } from "../target.js";
import { TEXT_DICT } from "../targets/engine.js";
import { HOSTILE_PLACEHOLDERS, mutateSequence, randomSioPacket } from "../targets/parser.js";

export type Transport = "websocket" | "polling";

/** One Engine.IO message: text (type digit first) or a binary frame. */
export type WireFrame = string | Uint8Array;

export interface WireSession {
  index: number;
  transport: Transport;
  /** The Socket.IO CONNECT sent first (valid). */
  connect: string;
  /** The namespace of the connect, `/` or `/dyn-<n>`. */
  nsp: string;
  /** Mutated traffic: over WebSocket one frame per message; over polling one POST body per group. */
  groups: WireFrame[][];
  /** Socket.IO packets generated for this session (each mutated with probability 0.75; the rest are valid but odd). */
  packets: number;
  mutated: number;
}

/** Event names the server child handles (echo, sink, join, kick-me, reject-me) and names that probe lookups. */
const EVENTS = [
  "echo",
  "echo",
  "sink",
  "sink",
  "join",
  "kick-me",
  "reject-me",
  "error",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "nope",
];
const CONNECTS: ReadonlyArray<readonly [string, string]> = [
  ["/", "40"],
  ["/", '40{"token":"t"}'],
  ["/dyn-1", "40/dyn-1,"],
  ["/dyn-2", '40/dyn-2,{"a":[1]}'],
];
const ENGINE_PACKETS = [
  "1",
  "2",
  "3",
  "5",
  "6",
  "2probe",
  "3probe",
  "0",
  "7",
  "",
  "4",
  "b",
  "bAAAA",
  "9",
  "40",
  "41",
  "4/x,",
];

const encoder = new Encoder();

/** The namespace no generated packet uses, for the probe of session `index`. */
export function probeNamespace(index: number): string {
  return `/dyn-${1_000_000 + index}`;
}

/** A valid packet aimed at this session's namespace and at the child's handlers. */
function packetFor(rng: Rng, nsp: string): ReturnType<typeof randomSioPacket> {
  const p = randomSioPacket(rng);
  if (rng.chance(0.85)) p.nsp = nsp;
  if (p.type === PacketType.EVENT && Array.isArray(p.data) && rng.chance(0.8))
    p.data[0] = rng.pick(EVENTS);
  // An ack id most of the time, so handlers answer and the acknowledgement path runs too.
  if (p.type === PacketType.EVENT && rng.chance(0.6)) p.id = rng.int(1000);
  return p;
}

/** Engine.IO framing of Socket.IO chunks: text gets the `4` (message) digit; binary stays binary. */
function frame(chunk: unknown): WireFrame | undefined {
  if (typeof chunk === "string") return "4" + chunk;
  return isBinaryValue(chunk) ? new Uint8Array(bytesOf(chunk)) : undefined; // null, 42...: not on the wire
}

/**
 * Session `index` of the run with `seed`.
 *
 * @example
 * const s = wireSession(7, 12); // always the same frames for (7, 12)
 */
export function wireSession(seed: number, index: number): WireSession {
  const rng = Rng.for(seed, "wire", index);
  const transport: Transport = rng.chance(0.5) ? "websocket" : "polling";
  const [nsp, connect] = rng.pick(CONNECTS);
  const packets = rng.range(1, 6);
  const engineSrc: MutationSource<string> = {
    dict: TEXT_DICT,
    other: () => rng.pick(ENGINE_PACKETS),
  };
  const groups: WireFrame[][] = [];
  let mutated = 0;
  let group: WireFrame[] = [];
  for (let n = 0; n < packets; n++) {
    const chunks: unknown[] = encoder.encode(packetFor(rng, nsp));
    if (rng.chance(0.75)) {
      mutated++;
      const r = rng.float();
      if (r < 0.1)
        chunks.splice(
          0,
          1,
          `${rng.pick(["5", "6"])}${rng.pick([1, 2, 10, 11])}-["sink",${rng.pick(HOSTILE_PLACEHOLDERS)}]`,
        );
      for (let k = rng.count(3); k > 0; k--) mutateSequence(rng, chunks);
    }
    const frames = chunks.map(frame).filter((f): f is WireFrame => f !== undefined);
    // Engine.IO-level edits: a mutated frame (type digit included) or a control packet in the middle.
    if (rng.chance(0.1) && frames.length > 0) {
      const i = rng.int(frames.length);
      if (typeof frames[i] === "string") frames[i] = mutateString(rng, frames[i], engineSrc, 1);
    }
    if (rng.chance(0.05)) frames.splice(rng.int(frames.length + 1), 0, rng.pick(ENGINE_PACKETS));
    if (transport === "websocket") {
      for (const f of frames) groups.push([f]);
    } else {
      group.push(...frames);
      if (rng.chance(0.5)) {
        groups.push(group);
        group = [];
      }
    }
  }
  if (group.length > 0) groups.push(group);
  return { index, transport, connect, nsp, groups, packets, mutated };
}

/** The frames of a session, readable, for a failure report. */
export function showSession(s: WireSession): string {
  const show = (f: WireFrame): string =>
    typeof f === "string" ? showString(f, 300) : showBytes(f, 48);
  const groups = s.groups.map((g) =>
    s.transport === "polling" ? `POST[${g.map(show).join(" \\x1e ")}]` : show(g[0]!),
  );
  return `${s.transport}: ${showString(s.connect)}, ${groups.join(", ")}`;
}
