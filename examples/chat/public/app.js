/* global io, sessionStorage, crypto, navigator */
// The chat page. Plain script, no build step. User text only ever reaches the DOM through
// textContent / createTextNode, never innerHTML, so a message such as <img onerror=...> stays text.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const TYPING_SEND_EVERY = 1500; // ms between two "typing" signals from this page
  const TYPING_SHOW_FOR = 3000; // ms a "typing" signal stays visible

  const state = {
    me: "",
    token: sessionStorage.getItem("chat-token") || randomId(),
    socket: null,
    joined: new Set(), // rooms this user is in
    conversations: new Map(), // "#room" | "@name" -> { key, kind, target, items, unread }
    current: "",
    users: [],
    rooms: [],
    members: new Map(), // room -> names
    typers: new Map(), // room -> Map(name -> expiry)
    lastTypingSent: 0,
    everConnected: false,
  };
  sessionStorage.setItem("chat-token", state.token);

  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** Creates an element with a class and text; the only way this page puts text into the DOM. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(id, text) {
    const node = $(id);
    node.textContent = text || "";
    node.hidden = !text;
  }

  // ---- connection -------------------------------------------------------------------------------------

  function connect(name) {
    state.me = name;
    const socket = io({
      // Come back quickly after a server restart; still backs off (with jitter) so a restart is not stampeded.
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      // A function, so every reconnect sends the current name and rooms (the server rejoins them
      // before it handles the messages buffered while offline).
      auth: (cb) => cb({ name: state.me, token: state.token, rooms: [...state.joined] }),
    });
    state.socket = socket;

    socket.on("connect", () => {
      state.everConnected = true;
      setStatus("connected");
      $("join-screen").hidden = true;
      $("chat-screen").hidden = false;
    });
    socket.on("connect_error", (err) => {
      if (!socket.active) {
        // Refused by the server's middleware (name taken, empty, too long): back to the join form.
        socket.disconnect();
        state.socket = null;
        showJoinScreen(err.message);
      } else {
        setStatus(state.everConnected ? "reconnecting" : "offline");
      }
    });
    socket.on("disconnect", () => setStatus(socket.active ? "reconnecting" : "offline"));
    socket.io.on("reconnect_attempt", () => setStatus(navigator.onLine === false ? "offline" : "reconnecting"));
    socket.io.on("reconnect_failed", () => setStatus("offline"));
    socket.on("refused", (info) => showJoinScreen(info && info.error ? String(info.error) : "Refused"));

    socket.on("welcome", onWelcome);
    socket.on("users", (names) => {
      state.users = names;
      renderUsers();
    });
    socket.on("rooms", (rooms) => {
      state.rooms = rooms;
      renderRooms();
    });
    socket.on("members", ({ room, members }) => {
      state.members.set(room, members);
      renderMembers();
    });
    socket.on("notice", ({ room, text, ts }) => addItem("#" + room, { type: "notice", text, ts }));
    socket.on("message", onMessage);
    socket.on("private", onPrivate);
    socket.on("typing", onTyping);
  }

  function showJoinScreen(message) {
    $("chat-screen").hidden = true;
    $("join-screen").hidden = false;
    showError("join-error", message);
  }

  function setStatus(status) {
    const node = $("status");
    node.textContent = status;
    node.dataset.status = status;
    node.className = "status status-" + status;
  }

  window.addEventListener("offline", () => setStatus("offline"));
  window.addEventListener("online", () => state.socket && !state.socket.connected && setStatus("reconnecting"));

  // ---- incoming ---------------------------------------------------------------------------------------

  function onWelcome(welcome) {
    state.me = welcome.name;
    $("me").textContent = welcome.name;
    state.users = welcome.users;
    state.rooms = welcome.rooms;
    state.joined = new Set(welcome.joined.map((j) => j.room));
    for (const j of welcome.joined) applyRoomState(j);
    if (!state.conversations.has(state.current) || !isOpen(state.current)) {
      state.current = welcome.joined.length ? "#" + welcome.joined[0].room : "";
    }
    renderAll();
  }

  function isOpen(key) {
    return key.startsWith("@") || state.joined.has(key.slice(1));
  }

  /** Members and history of a room just joined; history is merged with what the page already shows. */
  function applyRoomState({ room, members, history }) {
    state.members.set(room, members);
    const conv = conversation("#" + room);
    const ids = new Set(history.map((m) => m.id));
    const kept = conv.items.filter((item) => !(item.id && ids.has(item.id)));
    const fromHistory = history.map((m) => messageItem(m, "delivered"));
    conv.items = fromHistory.concat(kept).sort((a, b) => a.ts - b.ts);
  }

  function messageItem(m, status) {
    return { type: "msg", id: m.id, cid: m.cid, from: m.from, text: m.text, ts: m.ts, own: m.from === state.me, status };
  }

  function onMessage(m) {
    stopTyping(m.room, m.from);
    const key = "#" + m.room;
    if (!settlePending(key, m.cid, m)) addItem(key, messageItem(m, "delivered"));
  }

  function onPrivate(m) {
    const other = m.from === state.me ? m.to : m.from;
    const key = "@" + other;
    if (settlePending(key, m.cid, m)) return;
    const item = messageItem(m, "delivered");
    item.private = true;
    addItem(key, item);
  }

  /** Marks this page's pending message `cid` as delivered; false if there is none. */
  function settlePending(key, cid, m) {
    if (!cid) return false;
    const conv = state.conversations.get(key);
    const item = conv && conv.items.find((i) => i.cid === cid);
    if (!item) return false;
    item.id = m.id;
    item.ts = m.ts;
    item.status = "delivered";
    if (key === state.current) renderMessages();
    return true;
  }

  function onTyping({ room, name }) {
    if (name === state.me) return;
    let typers = state.typers.get(room);
    if (!typers) state.typers.set(room, (typers = new Map()));
    typers.set(name, Date.now() + TYPING_SHOW_FOR);
    renderTyping();
    setTimeout(renderTyping, TYPING_SHOW_FOR + 50);
  }

  function stopTyping(room, name) {
    const typers = state.typers.get(room);
    if (typers && typers.delete(name)) renderTyping();
  }

  // ---- conversations ----------------------------------------------------------------------------------

  function conversation(key) {
    let conv = state.conversations.get(key);
    if (!conv) {
      conv = { key, kind: key[0] === "#" ? "room" : "user", target: key.slice(1), items: [], unread: 0 };
      state.conversations.set(key, conv);
    }
    return conv;
  }

  function addItem(key, item) {
    const conv = conversation(key);
    conv.items.push(item);
    if (conv.items.length > 500) conv.items.splice(0, conv.items.length - 500);
    if (key === state.current) renderMessages();
    else {
      conv.unread += item.type === "msg" ? 1 : 0;
      renderRooms();
    }
  }

  function open(key) {
    state.current = key;
    conversation(key).unread = 0;
    showError("send-error", "");
    renderAll();
    $("message-input").focus();
  }

  function joinRoom(room) {
    if (!state.socket) return;
    state.socket.emit("join", { room }, (res) => {
      if (!res.ok) return showError("send-error", res.error);
      state.joined.add(res.room);
      applyRoomState(res);
      open("#" + res.room);
    });
  }

  function leaveCurrent() {
    const conv = state.conversations.get(state.current);
    if (!conv) return;
    if (conv.kind === "user") {
      state.conversations.delete(conv.key);
      return open(firstRoomKey());
    }
    state.socket.emit("leave", { room: conv.target }, (res) => {
      if (!res.ok) return showError("send-error", res.error);
      state.joined.delete(conv.target);
      state.conversations.delete(conv.key);
      open(firstRoomKey());
    });
  }

  function firstRoomKey() {
    const first = [...state.joined][0];
    return first ? "#" + first : "";
  }

  function send(text) {
    const conv = state.conversations.get(state.current);
    if (!conv || !state.socket) return;
    const cid = randomId();
    const item = { type: "msg", cid, from: state.me, text, ts: Date.now(), own: true, status: "pending" };
    if (conv.kind === "user") item.private = true;
    addItem(conv.key, item);
    // While offline the client keeps this in its send buffer and sends it on reconnect; it stays "pending".
    const event = conv.kind === "room" ? "message" : "private";
    const payload = conv.kind === "room" ? { room: conv.target, text, cid } : { to: conv.target, text, cid };
    state.socket.emit(event, payload, (res) => {
      if (res.ok) {
        item.id = res.message.id;
        item.ts = res.message.ts;
        item.status = "delivered";
      } else {
        item.status = "failed";
        showError("send-error", res.error);
      }
      if (conv.key === state.current) renderMessages();
    });
  }

  // ---- rendering --------------------------------------------------------------------------------------

  function renderAll() {
    const conv = state.conversations.get(state.current);
    $("conversation-title").textContent = conv ? (conv.kind === "room" ? "#" + conv.target : "Private: " + conv.target) : "No room";
    $("leave-button").textContent = conv && conv.kind === "user" ? "Close" : "Leave room";
    $("leave-button").hidden = !conv;
    $("message-input").disabled = !conv;
    renderRooms();
    renderMembers();
    renderUsers();
    renderMessages();
    renderTyping();
  }

  function renderRooms() {
    const list = $("room-list");
    const items = [];
    for (const r of state.rooms) {
      const li = el("li", state.current === "#" + r.name ? "active" : "", "#" + r.name);
      li.dataset.room = r.name;
      li.append(el("span", "count", String(r.count)));
      const conv = state.conversations.get("#" + r.name);
      if (conv && conv.unread) li.append(el("span", "unread", "●"));
      li.addEventListener("click", () => (state.joined.has(r.name) ? open("#" + r.name) : joinRoom(r.name)));
      items.push(li);
    }
    for (const conv of state.conversations.values()) {
      if (conv.kind !== "user") continue;
      const li = el("li", state.current === conv.key ? "active" : "", "@" + conv.target);
      if (conv.unread) li.append(el("span", "unread", "●"));
      li.addEventListener("click", () => open(conv.key));
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  function renderMembers() {
    const conv = state.conversations.get(state.current);
    const room = conv && conv.kind === "room" ? conv.target : "";
    $("members-title").textContent = room ? "#" + room : "-";
    const names = room ? state.members.get(room) || [] : [];
    $("member-list").replaceChildren(...names.map((n) => el("li", n === state.me ? "me" : "", n)));
  }

  function renderUsers() {
    $("user-list").replaceChildren(
      ...state.users.map((name) => {
        const li = el("li", name === state.me ? "me" : "", name === state.me ? name + " (you)" : name);
        li.dataset.user = name;
        if (name !== state.me) li.addEventListener("click", () => open("@" + name));
        return li;
      }),
    );
  }

  function renderMessages() {
    const conv = state.conversations.get(state.current);
    const list = $("messages");
    const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
    list.replaceChildren(...(conv ? conv.items.map(renderItem) : []));
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function renderItem(item) {
    if (item.type === "notice") return el("li", "notice", item.text);
    const li = el("li", "msg" + (item.own ? " own" : "") + (item.private ? " private" : "") + " " + item.status);
    li.dataset.status = item.status;
    li.append(el("span", "from", item.from), el("span", "text", item.text));
    li.append(el("span", "time", new Date(item.ts).toLocaleTimeString()));
    if (item.own) li.append(el("span", "state", item.status === "delivered" ? "✓ delivered" : item.status));
    return li;
  }

  function renderTyping() {
    const conv = state.conversations.get(state.current);
    const typers = conv && conv.kind === "room" ? state.typers.get(conv.target) : undefined;
    const now = Date.now();
    const names = [];
    if (typers) {
      for (const [name, until] of typers) {
        if (until > now) names.push(name);
        else typers.delete(name);
      }
    }
    $("typing").textContent = names.length === 0 ? "" : names.join(", ") + (names.length === 1 ? " is typing…" : " are typing…");
  }

  // ---- forms ------------------------------------------------------------------------------------------

  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const name = $("name-input").value.trim();
    if (!name) return showError("join-error", "Please choose a display name");
    showError("join-error", "");
    connect(name);
  });

  $("message-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("message-input");
    const text = input.value;
    if (!text.trim()) return;
    if (text.length > 2000) return showError("send-error", "The message is longer than 2000 characters");
    showError("send-error", "");
    input.value = "";
    send(text);
  });

  $("message-input").addEventListener("input", () => {
    const conv = state.conversations.get(state.current);
    const now = Date.now();
    if (!conv || conv.kind !== "room" || !state.socket || now - state.lastTypingSent < TYPING_SEND_EVERY) return;
    state.lastTypingSent = now;
    state.socket.volatile.emit("typing", { room: conv.target });
  });

  $("room-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const room = $("room-input").value.trim().toLowerCase();
    if (!room) return;
    $("room-input").value = "";
    joinRoom(room);
  });

  $("leave-button").addEventListener("click", leaveCurrent);
})();
