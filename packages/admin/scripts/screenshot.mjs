// Takes docs/dashboard.png: a Switchboard server instrumented with the dashboard, a few Node clients chatting
// in rooms for a while (so the plots have a history), and headless Chromium logged in to /admin.
// Needs the build (`npm run build`) and Debian's /usr/bin/chromium. Usage:
//   node packages/admin/scripts/screenshot.mjs [seconds of traffic, default 40] [--dark]
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import bcrypt from "bcryptjs";
import { chromium } from "playwright-core";
import { Server } from "@switchboard/server";
import { io as ioc } from "@switchboard/client";
import { instrument } from "@switchboard/admin";

const seconds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 40);
const dark = process.argv.includes("--dark");
const out = fileURLToPath(new URL(`../docs/dashboard${dark ? "-dark" : ""}.png`, import.meta.url));
const NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
const ROOMS = ["lobby", "support", "sales"];

const http = createServer();
const io = new Server(http);
io.use((socket, next) => {
  socket.data.user = String(socket.handshake.query.user ?? "anonymous");
  next();
});
io.on("connection", (socket) => {
  socket.on("join", (room) => socket.join(String(room)));
  socket.on("chat", (room, text) =>
    io.to(String(room)).emit("chat", socket.data.user, String(text)),
  );
  socket.on("typing", (room) => socket.to(String(room)).emit("typing", socket.data.user));
});
const chat = io.of("/chat");
chat.on("connection", (socket) =>
  socket.on("ping", (ack) => typeof ack === "function" && ack("pong")),
);
instrument(io, {
  auth: { type: "basic", username: "admin", password: bcrypt.hashSync("admin", 4) },
  mode: "development",
  serverId: "eu-west-1a",
  dashboard: { path: "/admin" },
});
await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${http.address().port}`;

// Clients arrive over the first half of the run, then chat at their own pace (a burst now and then).
const clients = [];
const timers = [];
NAMES.forEach((user, i) => {
  timers.push(
    setTimeout(
      () => {
        const socket = ioc(url, { query: { user }, forceNew: true });
        socket.on("connect", () => socket.emit("join", ROOMS[i % ROOMS.length]));
        clients.push(socket);
        if (i % 3 === 0) clients.push(ioc(`${url}/chat`, { query: { user }, forceNew: true }));
        const period = 150 + i * 60;
        timers.push(
          setInterval(() => {
            const burst = Math.random() < 0.1 ? 8 : 1;
            for (let k = 0; k < burst; k++)
              socket.emit("chat", ROOMS[i % ROOMS.length], `message ${Date.now()} from ${user}`);
            if (Math.random() < 0.3) socket.emit("typing", ROOMS[i % ROOMS.length]);
          }, period),
        );
      },
      (i * seconds * 500) / NAMES.length,
    ),
  );
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: dark ? "dark" : "light",
  });
  await page.goto(`${url}/admin`);
  await page.fill("#username", "admin");
  await page.fill("#password", "admin");
  await page.click("#login-submit");
  await page.waitForSelector("#app:not([hidden])");
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await page.waitForSelector("#sockets-body tr[data-id]");
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot written to ${out}`);
} finally {
  for (const t of timers) clearTimeout(t);
  for (const c of clients) c.disconnect();
  await browser.close();
  await io.close();
}
