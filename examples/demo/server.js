// A shared message board on the bare Engine.IO layer: every message a browser
// sends is relayed to every open page. It proves the transport end to end
// until the Socket.IO chat example takes over `npm start`.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { attach } from "@switchboard/engine";

const MAX_TEXT = 500;
const page = fileURLToPath(new URL("./public/index.html", import.meta.url));

/** Builds the demo: an http server with the engine attached. Call `listen()` on the result. */
export function createDemo() {
  const httpServer = createServer(async (req, res) => {
    if (req.method === "GET" && (req.url === "/" || req.url === "/index.html")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(await readFile(page));
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  const engine = attach(httpServer);
  engine.on("connection", (socket) => {
    socket.on("message", (data) => {
      if (typeof data !== "string") return; // the board is text only
      const text = data.slice(0, MAX_TEXT);
      for (const peer of Object.values(engine.clients)) peer.send(text);
    });
  });
  return { httpServer, engine };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  const { httpServer } = createDemo();
  httpServer.listen(port, () => console.log(`Switchboard demo on http://localhost:${port}`));
}
