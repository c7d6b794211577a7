/* global io, sessionStorage, localStorage, crypto, navigator, ChatFormat, ChatContract */
// The chat page. Plain script, no build step of its own. User text only ever reaches the DOM through
// textContent / createTextNode, never innerHTML, so a message such as <img onerror=...> stays text.
// The events follow the server's contract (src/contract.ts, bundled as vendor/contract.js): the client checks
// every payload before sending it and every event it receives; refusals, the page's own and the server's, have
// the contract's shape { code, event, issues: [{ path, message }] } and are shown by their first issue.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const F = ChatFormat;
  const TYPING_SEND_EVERY = 1500; // ms between two "typing" signals from this page
  const TYPING_SHOW_FOR = 3000; // ms a "typing" signal stays visible
  const NAME_MAX = 32; // the server's limit (src/rules.ts); checked here only to explain it early
  const SESSION_KEY = "chat-session"; // this tab: name, rooms, private conversations (survives a reload)
  const THEME_KEY = "chat-theme"; // this browser: "light" | "dark" (absent: follow the system)

  const saved = readSession();
  const state = {
    me: "",
    token: sessionStorage.getItem("chat-token") || randomId(),
    socket: null,
    joined: new Set(saved.rooms), // rooms this user is in
    conversations: new Map(), // "#room" | "@name" -> { key, kind, target, items, unread }
    current: saved.current || "",
    users: [],
    rooms: [],
    members: new Map(), // room -> names
    typers: new Map(), // room -> Map(name -> expiry)
    lastTypingSent: 0,
    everConnected: false,
    // Coming back (reconnect, reload): the server rejoins rooms without "joined" notices unless it saw us leave.
    resume: saved.rooms.length > 0,
  };
  sessionStorage.setItem("chat-token", state.token);
  for (const name of saved.dms) conversation("@" + name);

  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function readSession() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "{}");
      const strings = (a) => (Array.isArray(a) ? a.filter((x) => typeof x === "string") : []);
      return {
        name: typeof s.name === "string" ? s.name : "",
        rooms: strings(s.rooms),
        dms: strings(s.dms),
        current: typeof s.current === "string" ? s.current : "",
      };
    } catch {
      return { name: "", rooms: [], dms: [], current: "" };
    }
  }

  function saveSession() {
    const dms = [...state.conversations.values()].filter((c) => c.kind === "user");
    sessionStorage.setItem(
      SESSION_KEY,
      JSON.stringify({
        name: state.me,
        rooms: [...state.joined],
        dms: dms.map((c) => c.target),
        current: state.current,
      }),
    );
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

  /**
   * What to tell the user about a refusal in the contract's shape: an ack's `error` ({ code, event, issues }), or
   * the ContractValidationError the client throws when a payload fails the contract before it is sent.
   */
  function refusalText(error) {
    const issue = error && Array.isArray(error.issues) ? error.issues[0] : undefined;
    if (issue && typeof issue.message === "string") return issue.message;
    return "The server refused this request (" + String(error && error.code) + ")";
  }

  /**
   * Emits `event` with an ack; `done(res)` gets `{ ok: true, … }` or `{ error: { code, event, issues } }`, also
   * when the contract refuses the payload here, before anything is sent. Returns false in that case.
   */
  function request(socket, event, payload, done) {
    try {
      socket.emit(event, payload, done);
      return true;
    } catch (err) {
      if (!(err instanceof ChatContract.ContractValidationError)) throw err;
      done({ error: { code: err.code, event: err.event, issues: err.issues } });
      return false;
    }
  }

  // ---- theme ------------------------------------------------------------------------------------------

  function applyTheme(theme) {
    if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    const dark = currentTheme() === "dark";
    $("theme-button").setAttribute("aria-pressed", String(dark));
    $("theme-button").title = dark ? "Use the light theme" : "Use the dark theme";
  }

  function currentTheme() {
    const set = document.documentElement.dataset.theme;
    if (set) return set;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  applyTheme(localStorage.getItem(THEME_KEY));
  $("theme-button").addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    localStorage.setItem(THEME_KEY, next);
    applyTheme(next);
  });

  // ---- connection -------------------------------------------------------------------------------------

  function connect(name) {
    state.me = name;
    const socket = io({
      // The events' rules, shared with the server: bad payloads are refused before they leave, and a received
      // event that does not match is dropped (it never reaches the handlers below).
      contract: ChatContract.chatContract,
      onInvalid: (event) => console.warn("chat: dropped an invalid " + event + " event"),
      // Come back quickly after a server restart; still backs off (with jitter) so a restart is not stampeded.
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      // A function, so every reconnect sends the current name and rooms (the server rejoins them
      // before it handles the messages buffered while offline).
      auth: (cb) =>
        cb({ name: state.me, token: state.token, rooms: [...state.joined], resume: state.resume }),
    });
    state.socket = socket;

    socket.on("connect", () => {
      state.everConnected = true;
      setStatus("connected");
      $("join-screen").hidden = true;
      $("chat-screen").hidden = false;
    });
    socket.on("connect_error", (err) => {
      if (!socket.active) refused(socket, err.message);
      else setStatus(state.everConnected ? "reconnecting" : "offline");
    });
    socket.on("disconnect", () => setStatus(socket.active ? "reconnecting" : "offline"));
    socket.io.on("reconnect_attempt", () =>
      setStatus(navigator.onLine === false ? "offline" : "reconnecting"),
    );
    socket.io.on("reconnect_failed", () => setStatus("offline"));
    socket.on("refused", (info) =>
      refused(socket, info && info.error ? String(info.error) : "Refused"),
    );

    socket.on("welcome", onWelcome);
    socket.on("users", (names) => {
      state.users = names;
      renderSidebar();
    });
    socket.on("rooms", (rooms) => {
      state.rooms = rooms;
      renderSidebar();
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

  /**
   * The server refused this name (taken, too long, …), possibly on a reconnect after it was taken meanwhile.
   * Back to the join form with the reason; messages still waiting are kept and sent once the user joins again.
   */
  function refused(socket, reason) {
    socket.disconnect();
    if (state.socket === socket) state.socket = null;
    state.resume = false;
    const waiting = pendingItems().length;
    const more =
      waiting === 0
        ? ""
        : " Your " +
          (waiting === 1 ? "unsent message is" : waiting + " unsent messages are") +
          " kept and will be sent when you join again.";
    $("chat-screen").hidden = true;
    $("join-screen").hidden = false;
    showError("join-error", reason + (state.everConnected ? ". Choose another name." : "") + more);
    $("name-input").value = state.me;
    $("name-input").focus();
  }

  function setStatus(status) {
    const node = $("status");
    node.textContent = status;
    node.dataset.status = status;
    node.className = "status status-" + status;
  }

  window.addEventListener("offline", () => setStatus("offline"));
  window.addEventListener(
    "online",
    () => state.socket && !state.socket.connected && setStatus("reconnecting"),
  );

  // ---- incoming ---------------------------------------------------------------------------------------

  function onWelcome(welcome) {
    state.me = welcome.name;
    state.resume = true;
    $("me").textContent = welcome.name;
    state.users = welcome.users;
    state.rooms = welcome.rooms;
    state.joined = new Set(welcome.joined.map((j) => j.room));
    for (const j of welcome.joined) applyRoomState(j);
    for (const conv of [...state.conversations.values()]) {
      if (conv.kind === "room" && !state.joined.has(conv.target)) {
        // Our own messages for a room we are no longer in: keep them visible, do not drop the room.
        if (!conv.items.some((i) => i.status === "pending")) state.conversations.delete(conv.key);
      }
    }
    if (!isOpen(state.current)) state.current = firstRoomKey();
    resendPending();
    saveSession();
    renderAll();
  }

  function isOpen(key) {
    if (!key) return false;
    return key[0] === "@" ? state.conversations.has(key) : state.joined.has(key.slice(1));
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
    return {
      type: "msg",
      id: m.id,
      cid: m.cid,
      from: m.from,
      text: m.text,
      ts: m.ts,
      own: m.from === state.me,
      status,
    };
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
    const isNew = !state.conversations.has(key);
    addItem(key, item);
    if (isNew) saveSession();
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
      conv = {
        key,
        kind: key[0] === "#" ? "room" : "user",
        target: key.slice(1),
        items: [],
        unread: 0,
      };
      state.conversations.set(key, conv);
    }
    return conv;
  }

  function addItem(key, item) {
    const conv = conversation(key);
    conv.items.push(item);
    if (conv.items.length > 500) conv.items.splice(0, conv.items.length - 500);
    if (key === state.current) renderMessages(item.own);
    else {
      conv.unread += item.type === "msg" ? 1 : 0;
      renderSidebar();
    }
  }

  /** Opens a conversation; "" (none) shows the empty state instead of a conversation. */
  function open(key) {
    state.current = key && isOpen(key) ? key : "";
    if (state.current) conversation(state.current).unread = 0;
    showError("send-error", "");
    setSidebar(false);
    saveSession();
    renderAll();
    if (state.current) $("message-input").focus();
  }

  function joinRoom(room) {
    if (!state.socket) return;
    request(state.socket, "join", { room }, (res) => {
      if (!res.ok) return showError("room-error", refusalText(res.error));
      showError("room-error", "");
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
    request(state.socket, "leave", { room: conv.target }, (res) => {
      if (!res.ok) return showError("send-error", refusalText(res.error));
      state.joined.delete(conv.target);
      state.conversations.delete(conv.key);
      open(firstRoomKey());
    });
  }

  function firstRoomKey() {
    const first = [...state.joined].sort()[0];
    return first ? "#" + first : "";
  }

  function pendingItems() {
    const out = [];
    for (const conv of state.conversations.values())
      for (const item of conv.items) if (item.status === "pending") out.push({ conv, item });
    return out;
  }

  /** Sends again what a refused connection never delivered (its socket, and send buffer, are gone). */
  function resendPending() {
    for (const { conv, item } of pendingItems()) {
      if (item.socket === state.socket) continue;
      item.from = state.me;
      transmit(conv, item);
    }
  }

  function send(text) {
    const conv = state.conversations.get(state.current);
    if (!conv || !state.socket) return;
    const item = {
      type: "msg",
      cid: randomId(),
      from: state.me,
      text,
      ts: Date.now(),
      own: true,
      status: "pending",
    };
    if (conv.kind === "user") item.private = true;
    addItem(conv.key, item);
    transmit(conv, item);
  }

  function transmit(conv, item) {
    const socket = state.socket;
    item.socket = socket;
    // While offline the client keeps this in its send buffer and sends it on reconnect; it stays "pending".
    const event = conv.kind === "room" ? "message" : "private";
    const payload =
      conv.kind === "room"
        ? { room: conv.target, text: item.text, cid: item.cid }
        : { to: conv.target, text: item.text, cid: item.cid };
    request(socket, event, payload, (res) => {
      if (state.socket !== socket && !res.ok) return; // a refused connection: resent by the next one
      if (res.ok) {
        item.id = res.message.id;
        item.ts = res.message.ts;
        item.status = "delivered";
      } else {
        item.status = "failed";
        showError("send-error", refusalText(res.error));
      }
      if (conv.key === state.current) renderMessages();
    });
  }

  // ---- rendering --------------------------------------------------------------------------------------

  function renderAll() {
    const conv = state.conversations.get(state.current);
    $("conversation-title").textContent = conv
      ? conv.kind === "room"
        ? "#" + conv.target
        : conv.target
      : "No conversation open";
    $("leave-button").textContent = conv && conv.kind === "user" ? "Close" : "Leave room";
    $("leave-button").hidden = !conv;
    $("message-input").disabled = !conv;
    $("send-button").disabled = !conv;
    $("empty-state").hidden = !!conv;
    $("messages").hidden = !conv;
    renderSidebar();
    renderMembers();
    renderMessages(true);
    renderTyping();
  }

  /** One sidebar entry: a button (keyboard-operable), with an unread badge and an optional count. */
  function entry(label, opts) {
    const li = el("li");
    const button = el("button", "entry" + (opts.active ? " active" : ""));
    button.type = "button";
    if (opts.active) button.setAttribute("aria-current", "true");
    if (opts.avatar) button.append(avatar(opts.avatar, "small"));
    button.append(el("span", "label", label));
    if (opts.count !== undefined) {
      const c = el("span", "count", String(opts.count));
      c.setAttribute("aria-label", opts.count + (opts.count === 1 ? " member" : " members"));
      button.append(c);
    }
    if (opts.unread) {
      const u = el("span", "unread", String(opts.unread));
      u.setAttribute("aria-label", opts.unread + " unread");
      button.append(u);
    }
    button.addEventListener("click", opts.onClick);
    li.append(button);
    return li;
  }

  function renderSidebar() {
    const counts = new Map(state.rooms.map((r) => [r.name, r.count]));
    const unread = (key) => {
      const conv = state.conversations.get(key);
      return conv ? conv.unread : 0;
    };
    const joined = [...state.joined].sort();
    $("room-list").replaceChildren(
      ...joined.map((name) => {
        const li = entry("#" + name, {
          active: state.current === "#" + name,
          count: counts.get(name) || 0,
          unread: unread("#" + name),
          onClick: () => open("#" + name),
        });
        li.dataset.room = name;
        return li;
      }),
    );
    const others = state.rooms.filter((r) => !state.joined.has(r.name));
    $("other-room-list").replaceChildren(
      ...others.map((r) => {
        const li = entry("#" + r.name, { count: r.count, onClick: () => joinRoom(r.name) });
        li.dataset.room = r.name;
        li.title = "Join #" + r.name;
        return li;
      }),
    );
    $("other-rooms-empty").hidden = others.length > 0;
    const dms = [...state.conversations.values()].filter((c) => c.kind === "user");
    $("dm-list").replaceChildren(
      ...dms.map((c) => {
        const li = entry(c.target, {
          active: state.current === c.key,
          avatar: c.target,
          unread: c.unread,
          onClick: () => open(c.key),
        });
        li.dataset.user = c.target;
        return li;
      }),
    );
    $("dm-empty").hidden = dms.length > 0;
    $("user-list").replaceChildren(
      ...state.users.map((name) => {
        if (name === state.me) {
          const li = el("li", "me");
          li.append(avatar(name, "small"), el("span", "label", name + " (you)"));
          li.dataset.user = name;
          return li;
        }
        const li = entry(name, {
          avatar: name,
          onClick: () => {
            conversation("@" + name);
            open("@" + name);
          },
        });
        li.dataset.user = name;
        return li;
      }),
    );
    const total = [...state.conversations.values()].reduce((n, c) => n + c.unread, 0);
    const badge = $("menu-unread");
    badge.textContent = String(total);
    badge.hidden = total === 0;
  }

  function renderMembers() {
    const conv = state.conversations.get(state.current);
    const room = conv && conv.kind === "room" ? conv.target : "";
    $("members-section").hidden = !room;
    $("members-title").textContent = room ? "#" + room : "";
    const names = room ? state.members.get(room) || [] : [];
    $("member-list").replaceChildren(
      ...names.map((n) => {
        const li = el("li", n === state.me ? "me" : "");
        li.append(avatar(n, "small"), el("span", "label", n));
        return li;
      }),
    );
  }

  function avatar(name, size) {
    const a = el("span", "avatar hue-" + F.hue(name) + (size ? " " + size : ""), F.initials(name));
    a.setAttribute("aria-hidden", "true");
    return a;
  }

  function renderMessages(forceScroll) {
    const conv = state.conversations.get(state.current);
    const list = $("messages");
    const stick = forceScroll || list.scrollTop + list.clientHeight >= list.scrollHeight - 60;
    const now = Date.now();
    const nodes = [];
    let prev = null;
    for (const item of conv ? conv.items : []) {
      if (!prev || !F.sameDay(prev.ts, item.ts)) {
        const day = el("li", "day");
        day.append(el("span", "", F.dayLabel(item.ts, now)));
        nodes.push(day);
      }
      nodes.push(renderItem(item, F.continues(prev, item), now));
      prev = item;
    }
    list.replaceChildren(...nodes);
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function renderItem(item, continued, now) {
    if (item.type === "notice") return el("li", "notice", item.text);
    const li = el(
      "li",
      "msg" +
        (item.own ? " own" : "") +
        (item.private ? " private" : "") +
        (continued ? " continued" : "") +
        " " +
        item.status,
    );
    li.dataset.status = item.status;
    if (!continued) {
      li.append(avatar(item.from));
      const head = el("div", "head");
      head.append(el("span", "from", item.from), timeNode(item.ts, now));
      li.append(head);
    }
    const body = el("div", "bubble");
    body.append(el("span", "text", item.text));
    if (item.own) {
      const text =
        item.status === "delivered"
          ? "✓ delivered"
          : item.status === "failed"
            ? "failed"
            : "sending…";
      body.append(el("span", "state", text));
    }
    li.append(body);
    return li;
  }

  function timeNode(ts, now) {
    const t = el("time", "time", F.relativeTime(ts, now));
    t.dateTime = new Date(ts).toISOString();
    t.title = new Date(ts).toLocaleString();
    return t;
  }

  // Relative times age: refresh them (text only) twice a minute.
  setInterval(() => {
    const now = Date.now();
    for (const t of document.querySelectorAll("#messages time"))
      t.textContent = F.relativeTime(Date.parse(t.dateTime), now);
  }, 30000);

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
    $("typing").textContent =
      names.length === 0
        ? ""
        : names.join(", ") + (names.length === 1 ? " is typing…" : " are typing…");
  }

  // ---- sidebar on small screens -----------------------------------------------------------------------

  function setSidebar(open) {
    $("chat-screen").classList.toggle("side-open", open);
    $("menu-button").setAttribute("aria-expanded", String(open));
  }

  $("menu-button").addEventListener("click", () =>
    setSidebar(!$("chat-screen").classList.contains("side-open")),
  );
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && $("chat-screen").classList.contains("side-open")) {
      setSidebar(false);
      $("menu-button").focus();
    }
  });

  // ---- forms ------------------------------------------------------------------------------------------

  /** The page's own name check: says what is wrong before asking the server (which checks again). */
  function nameProblem(name) {
    if (!name) return "Please choose a display name";
    const length = Array.from(name).length;
    if (length > NAME_MAX)
      return "The display name is " + length + " characters long; the limit is " + NAME_MAX;
    return "";
  }

  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const name = $("name-input").value.trim().replace(/\s+/g, " ");
    const problem = nameProblem(name);
    if (problem) return showError("join-error", problem);
    showError("join-error", "");
    connect(name);
  });

  $("name-input").addEventListener("input", () => {
    const length = Array.from($("name-input").value.trim()).length;
    $("name-count").textContent = length + " / " + NAME_MAX;
    $("name-count").classList.toggle("over", length > NAME_MAX);
  });

  $("message-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("message-input");
    const text = input.value;
    if (!text.trim()) return;
    if (text.length > 2000)
      return showError("send-error", "The message is longer than 2000 characters");
    showError("send-error", "");
    input.value = "";
    send(text);
  });

  $("message-input").addEventListener("input", () => {
    const conv = state.conversations.get(state.current);
    const now = Date.now();
    if (
      !conv ||
      conv.kind !== "room" ||
      !state.socket ||
      now - state.lastTypingSent < TYPING_SEND_EVERY
    )
      return;
    state.lastTypingSent = now;
    try {
      state.socket.volatile.emit("typing", { room: conv.target });
    } catch {
      // The contract refused it (it cannot, for a joined room); a lost "typing" is harmless.
    }
  });

  $("room-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const room = $("room-input").value.trim().toLowerCase();
    if (!room) return;
    $("room-input").value = "";
    joinRoom(room);
  });

  $("leave-button").addEventListener("click", leaveCurrent);

  // A reload in this tab comes back as the same user, in the same rooms and conversations.
  if (saved.name) {
    $("name-input").value = saved.name;
    connect(saved.name);
  }
})();
