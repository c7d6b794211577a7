// The client bundle decodes with the browser builds of the parser (parse-packet.browser.ts and
// placeholders.browser.ts, picked by the bundler), so a hostile server reaches those. Differential target: every
// text chunk of a parser input goes to both packet parsers, and the placeholder pass of both runs on what they
// parsed, with the chunks that follow as attachments. Both must agree (same packet, or a DecodeError with the
// same code), and neither may throw anything else.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { DecodeError, DecodeErrorCode, type Packet, type Reviver } from "@switchboard/parser";
import {
  checkPlainData,
  deepEqual,
  describeError,
  FuzzFailure,
  isBinaryValue,
} from "../invariants.js";
import type { Target } from "../target.js";
import { parser, type ParserInput } from "./parser.js";

type ParsePacket = (str: string, maxAttachments: number, reviver: Reviver | undefined) => Packet;
type FillPlaceholders = (
  data: unknown,
  attachments: readonly unknown[],
  trackVisited: boolean,
) => unknown;

// The builds are internal to the package (not in its exports): load them from next to its entry point.
const dist = dirname(createRequire(import.meta.url).resolve("@switchboard/parser"));
const load = async <T>(file: string, name: string): Promise<T> =>
  ((await import(pathToFileURL(join(dist, file)).href)) as Record<string, T>)[name] as T;
const server = {
  parse: await load<ParsePacket>("parse-packet.js", "parsePacket"),
  fill: await load<FillPlaceholders>("placeholders.js", "fillPlaceholders"),
};
const browser = {
  parse: await load<ParsePacket>("parse-packet.browser.js", "parsePacket"),
  fill: await load<FillPlaceholders>("placeholders.browser.js", "fillPlaceholders"),
};

const CODES: ReadonlySet<string> = new Set(Object.values(DecodeErrorCode));

type Outcome = { ok: unknown } | { code: string };

function outcome(fn: () => unknown, what: string): Outcome {
  try {
    return { ok: fn() };
  } catch (err) {
    if (err instanceof DecodeError && CODES.has(err.code)) return { code: err.code };
    throw new FuzzFailure(`${what} threw an untyped error: ${describeError(err)}`, { cause: err });
  }
}

function same(a: Outcome, b: Outcome, what: string): void {
  if ("code" in a || "code" in b) {
    const ca = "code" in a ? a.code : "a packet";
    const cb = "code" in b ? b.code : "a packet";
    if (ca !== cb) throw new FuzzFailure(`${what}: server build gives ${ca}, browser build ${cb}`);
  } else if (!deepEqual(a.ok, b.ok)) {
    throw new FuzzFailure(`${what}: the builds decoded different values`);
  }
}

const binaryLeaf = (obj: object): boolean => isBinaryValue(obj);

export const parserBrowser: Target<ParserInput> = {
  name: "parser-browser",
  description:
    "parser browser builds (client bundle) against the server's: parsePacket and the placeholder pass",
  generate: (rng) => parser.generate(rng),
  check({ chunks, maxAttachments, reviver }) {
    const max = maxAttachments ?? 10;
    const revive: Reviver | undefined = reviver
      ? (_key: string, value: unknown) => value
      : undefined;
    let label = "ok";
    chunks.forEach((chunk, i) => {
      if (typeof chunk !== "string") return;
      const a = outcome(() => server.parse(chunk, max, revive), "parsePacket");
      const b = outcome(() => browser.parse(chunk, max, revive), "parsePacket (browser)");
      same(a, b, `text chunk ${i}`);
      if ("code" in a) {
        if (label === "ok") label = a.code.replace("ERR_SIO_DECODE_", "");
        return;
      }
      const [pa, pb] = [a.ok as Packet, (b as { ok: unknown }).ok as Packet];
      checkPlainData(pa.data, binaryLeaf, "parsed data");
      if (pa.attachments === undefined) return;
      // The attachments: the binary chunks that follow, padded with empty ones.
      const atts = chunks
        .slice(i + 1, i + 1 + pa.attachments)
        .map((c) => (isBinaryValue(c) ? c : new Uint8Array(0)));
      while (atts.length < pa.attachments) atts.push(new Uint8Array(0));
      const fa = outcome(
        () => server.fill(pa.data, atts, revive !== undefined),
        "fillPlaceholders",
      );
      const fb = outcome(() => browser.fill(pb.data, atts, true), "fillPlaceholders (browser)");
      same(fa, fb, `placeholders of chunk ${i}`);
      if ("ok" in fa) checkPlainData(fa.ok, binaryLeaf, "filled data");
      else if (label === "ok") label = fa.code.replace("ERR_SIO_DECODE_", "");
    });
    return label;
  },
  show: (input) => parser.show(input),
};
