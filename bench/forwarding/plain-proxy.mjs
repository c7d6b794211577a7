// The floor of a relay hop in Node (issue #16, "Cost"): a plain, generic reverse proxy that sends every
// request to one target, the way any minimal Node proxy does it. Node B's process runs it on a second port
// beside its Switchboard server, so "client → proxy on B → A" and "client → B's forwarder → A" use the same
// processes and cores: the difference between the two is our relay's overhead over what Node costs anyway.
// HTTP: http.createServer → http.request on a keep-alive Agent (noDelay) → pipe both bodies; headers passed
// as they come. Upgrades: a raw TCP link carrying the request line, the raw headers and then every byte.
import http from "node:http";
import { connect } from "node:net";

function ignore() {}

/** The request line and raw headers of an upgrade, as the target gets them (latin1, as Node read them). */
function preamble(req) {
  let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return `${text}\r\n`;
}

/**
 * Starts the proxy on a free port of 127.0.0.1, sending everything to `127.0.0.1:targetPort`.
 * @example
 * const proxy = await startPlainProxy(ownerPort);
 * // requests to proxy.port reach ownerPort; proxy.stats() → { requests, upgrades, errors }
 * await proxy.close();
 * @param {number} targetPort
 * @returns {Promise<{ port: number, stats: () => { requests: number, upgrades: number, errors: number }, close: () => Promise<void> }>}
 */
export function startPlainProxy(targetPort, host = "127.0.0.1") {
  const agent = new http.Agent({ keepAlive: true, noDelay: true });
  const counts = { requests: 0, upgrades: 0, errors: 0 };

  const server = http.createServer((req, res) => {
    counts.requests++;
    req.on("error", ignore);
    const upstream = http.request(
      { host, port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (upstreamRes) => {
        upstreamRes.on("error", () => res.destroy());
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on("error", () => {
      counts.errors++;
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { "content-length": "0" }).end();
    });
    // The client left before the answer: cut the upstream request too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });

  server.on("upgrade", (req, socket, head) => {
    counts.upgrades++;
    // Both sockets keep an 'error' listener for their whole life.
    socket.on("error", ignore);
    const upstream = connect({ host, port: targetPort, noDelay: true });
    upstream.on("error", () => {
      counts.errors++;
      socket.destroy();
    });
    socket.on("close", () => upstream.destroy());
    upstream.on("close", () => socket.destroy());
    upstream.once("connect", () => {
      upstream.write(preamble(req), "latin1");
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve({
        port: server.address().port,
        stats: () => ({ ...counts }),
        close: () =>
          new Promise((done) => {
            agent.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
