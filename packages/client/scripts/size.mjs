// Prints the gzipped size of our bundles beside socket.io-client's (gzip -9, as docs/protocol.md §6 measures).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ours = fileURLToPath(new URL("../dist/bundle", import.meta.url));
const theirs = join(
  dirname(createRequire(import.meta.url).resolve("socket.io-client/package.json")),
  "dist",
);
const size = (file) => {
  if (!existsSync(file)) return "missing";
  const buf = readFileSync(file);
  return `${buf.length} B, ${gzipSync(buf, { level: 9 }).length} B gzip`;
};
for (const name of [
  "socket.io.min.js",
  "socket.io.esm.min.js",
  "socket.io.js",
  "socket.io.msgpack.min.js",
]) {
  console.log(
    `${name.padEnd(24)} ours: ${size(join(ours, name)).padEnd(28)} socket.io-client: ${size(join(theirs, name))}`,
  );
}
