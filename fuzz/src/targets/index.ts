// Every decoder a peer can reach, by name (the names `--decoders` takes).
import type { Target } from "../target.js";
import { enginePacket, enginePayload } from "./engine.js";
import { msgpack } from "./msgpack.js";
import { parser } from "./parser.js";
import { parserBrowser } from "./parser-browser.js";

export const targets: Readonly<Record<string, Target>> = {
  [enginePacket.name]: enginePacket as Target,
  [enginePayload.name]: enginePayload as Target,
  [parser.name]: parser as Target,
  [parserBrowser.name]: parserBrowser as Target,
  [msgpack.name]: msgpack as Target,
};

export { enginePacket, enginePayload, msgpack, parser, parserBrowser };
