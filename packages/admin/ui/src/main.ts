// Entry point of the dashboard page: login, the admin socket's events into the State, and a render loop
// (at most one frame per change, plus a 1 s tick that moves the plots along).
import { LineChart } from "./chart.js";
import {
  openAdminSocket,
  saveSession,
  savedSession,
  type AdminSocket,
  type ConnectionEvent,
} from "./connection.js";
import { byId, formatBytes, formatCount, preview, setText } from "./dom.js";
import { mergeFlow } from "./flow.js";
import { renderFlow } from "./flow-views.js";
import { SocketsTable, type Permissions } from "./sockets-table.js";
import { State, filterSockets } from "./state.js";
import { renderLog, renderNamespaces, renderRooms, renderServers, renderStats } from "./views.js";

const root = document.documentElement;
const NAMESPACE = root.dataset.namespace ?? "/admin";
const SOCKET_PATH = root.dataset.socketPath ?? "/socket.io";

const loginView = byId("login");
const appView = byId("app");
const form = byId<HTMLFormElement>("login-form");
const loginError = byId("login-error");
const status = byId("status");

/** Rows of the sockets table at most: a big server has more sockets than a page can show (filter to find one). */
const MAX_SOCKET_ROWS = 500;

let socket: AdminSocket | null = null;
let state = new State();
let scheduled = false;

const charts = {
  clients: new LineChart(byId<HTMLCanvasElement>("chart-clients"), formatCount),
  packets: new LineChart(byId<HTMLCanvasElement>("chart-packets"), formatCount),
  bytes: new LineChart(byId<HTMLCanvasElement>("chart-bytes"), formatBytes, true),
  events: new LineChart(byId<HTMLCanvasElement>("chart-events"), formatCount),
};

const sockets = new SocketsTable(byId<HTMLTableSectionElement>("sockets-body"), {
  disconnect: (nsp, id) => socket?.emit("_disconnect", nsp, false, id),
  join: (nsp, room, id) => socket?.emit("join", nsp, room, id),
  leave: (nsp, room, id) => socket?.emit("leave", nsp, room, id),
});

function setStatus(text: string, kind: "online" | "offline" | "pending"): void {
  setText(status, text);
  status.dataset.state = kind;
}

function showLogin(message: string | null): void {
  appView.hidden = true;
  loginView.hidden = false;
  byId("logout").hidden = true;
  loginError.hidden = message === null;
  setText(loginError, message ?? "");
  byId<HTMLInputElement>("username").focus();
}

function render(): void {
  scheduled = false;
  const now = Date.now();
  lastRender = now;
  const config = state.config;
  const readonly = config?.readonly === true || !state.can("DISCONNECT");
  const development = state.can("ALL_EVENTS");
  byId("readonly-badge").hidden = !readonly || config === null;
  const mode = byId("mode-badge");
  mode.hidden = config === null;
  setText(mode, config?.mode ?? (development ? "development" : "production"));
  // Sockets and the event log only exist in development mode (the server sends them only then).
  byId("sockets-card").hidden = !development;
  byId("rooms-card").hidden = !development;
  byId("log-card").hidden = !development;
  byId("production-note").hidden = development || config === null;

  renderStats(state, now);
  renderServers(state, now);
  renderNamespaces(state);
  renderFlow(mergeFlow([...state.servers.values()].map((e) => e.stats)), now);
  if (development) {
    renderRooms(state);
    renderLog(state);
    const perms: Permissions = {
      disconnect: state.can("DISCONNECT"),
      join: state.can("JOIN"),
      leave: state.can("LEAVE"),
    };
    const shown = filterSockets(
      state,
      byId<HTMLInputElement>("sockets-filter").value,
      MAX_SOCKET_ROWS,
    );
    const own = socket?.id;
    sockets.render(shown.rows, perms, own === undefined ? undefined : { nsp: NAMESPACE, id: own });
    setText(
      byId("sockets-count"),
      shown.total === shown.rows.length
        ? `${shown.total}`
        : `${shown.rows.length} of ${shown.total}`,
    );
    byId("sockets-card").classList.toggle("no-actions", !perms.disconnect && !perms.join);
  }
  const r = state.rates;
  charts.clients.draw(
    [{ label: "clients", colorVar: "--series-1", points: state.clients.points(now) }],
    now,
  );
  charts.packets.draw(
    [
      { label: "in", colorVar: "--series-1", points: r.packetsIn.points(now) },
      { label: "out", colorVar: "--series-2", points: r.packetsOut.points(now) },
    ],
    now,
  );
  charts.bytes.draw(
    [
      { label: "in", colorVar: "--series-1", points: r.bytesIn.points(now) },
      { label: "out", colorVar: "--series-2", points: r.bytesOut.points(now) },
    ],
    now,
  );
  charts.events.draw(
    [
      { label: "received", colorVar: "--series-1", points: r.eventsIn.points(now) },
      { label: "sent", colorVar: "--series-2", points: r.eventsOut.points(now) },
      { label: "connections", colorVar: "--series-3", points: r.connection.points(now) },
      { label: "disconnections", colorVar: "--series-4", points: r.disconnection.points(now) },
    ],
    now,
  );
}

/** Renders are batched: at most one per RENDER_GAP_MS however busy the server is (the log can get hundreds of events/s). */
const RENDER_GAP_MS = 200;
let lastRender = 0;

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  const wait = Math.max(0, lastRender + RENDER_GAP_MS - Date.now());
  setTimeout(() => requestAnimationFrame(render), wait);
}

function wire(s: AdminSocket): void {
  s.on("config", (config) => {
    state.config = config;
    schedule();
  });
  s.on("server_stats", (stats) => {
    state.onStats(stats);
    schedule();
  });
  s.on("all_sockets", (list) => {
    state.setSockets(list);
    schedule();
  });
  s.on("socket_connected", (sock, time) => (state.socketConnected(sock, time), schedule()));
  s.on("socket_updated", (patch) => (state.socketUpdated(patch), schedule()));
  s.on(
    "socket_disconnected",
    (nsp, id, reason, time) => (state.socketDisconnected(nsp, id, reason, time), schedule()),
  );
  s.on("room_joined", (nsp, room, id, time) => (state.roomJoined(nsp, room, id, time), schedule()));
  s.on("room_left", (nsp, room, id, time) => (state.roomLeft(nsp, room, id, time), schedule()));
  s.on(
    "event_received",
    (nsp, id, args, time) => (
      state.event("in", nsp, id, args, time, preview(args, 300)),
      schedule()
    ),
  );
  s.on(
    "event_sent",
    (nsp, id, args, time) => (
      state.event("out", nsp, id, args, time, preview(args, 300)),
      schedule()
    ),
  );
}

function onStatus(ev: ConnectionEvent): void {
  switch (ev.type) {
    case "connected":
      setStatus("connected", "online");
      loginView.hidden = true;
      appView.hidden = false;
      byId("logout").hidden = false;
      byId<HTMLInputElement>("password").value = "";
      schedule();
      break;
    case "reconnecting":
      setStatus("reconnecting…", "pending");
      break;
    case "disconnected":
      setStatus(ev.reason === "io client disconnect" ? "signed out" : "disconnected", "offline");
      // Kicked by the server (an admin action elsewhere): no automatic reconnection follows.
      if (ev.reason === "io server disconnect") {
        socket = null;
        showLogin("Disconnected by the server.");
      }
      break;
    case "refused": {
      socket = null;
      saveSession(null);
      setStatus("signed out", "offline");
      const text =
        ev.message === "invalid credentials"
          ? ev.withSession
            ? "Your session has expired, please sign in again."
            : "Invalid username or password."
          : ev.message === "too many attempts"
            ? "Too many failed attempts, try again in a minute."
            : `Connection refused: ${ev.message}`;
      showLogin(text);
      break;
    }
  }
}

function start(auth: Record<string, unknown>): void {
  socket?.disconnect();
  state = new State();
  setStatus("connecting…", "pending");
  try {
    socket = openAdminSocket(NAMESPACE, SOCKET_PATH, auth, wire, onStatus);
  } catch (err) {
    showLogin(err instanceof Error ? err.message : String(err));
  }
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const username = byId<HTMLInputElement>("username").value;
  const password = byId<HTMLInputElement>("password").value;
  loginError.hidden = true;
  start({ username, password });
});

byId("logout").addEventListener("click", () => {
  socket?.disconnect();
  socket = null;
  saveSession(null);
  state = new State();
  showLogin(null);
});

byId("sockets-filter").addEventListener("input", schedule);

byId("log-clear").addEventListener("click", () => {
  state.clearLog();
  schedule();
});

// Move the plots along and drop nodes that went quiet.
setInterval(() => {
  if (socket === null) return;
  state.sampleClients();
  schedule();
}, 1000);
window.addEventListener("resize", schedule);

const session = savedSession();
if (session !== null) start({ sessionId: session });
else showLogin(null);
