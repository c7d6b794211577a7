/* global io */
// The dashboard page. Plain script, no build step, no chart library. User text only ever reaches the DOM
// through textContent, never innerHTML, so an order from "<script>…" stays text.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const LATEST = 20;
  const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  /** Creates an element with a class and text; the only way this page puts text into the DOM. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  }

  // ---- rendering ----------------------------------------------------------------------------------------

  function orderRow(order, fresh) {
    const tr = el("tr", fresh ? "fresh" : "");
    tr.dataset.id = String(order.id);
    tr.append(
      el("td", "", String(order.id)),
      el("td", "", new Date(order.created_at).toLocaleTimeString()),
      el("td", "user", order.user),
      el("td", "item", order.item),
      el("td", "num amount", money.format(order.amount)),
    );
    return tr;
  }

  function renderOrders(orders) {
    $("orders").replaceChildren(...orders.map((o) => orderRow(o, false)));
  }

  function addOrder(order) {
    const body = $("orders");
    if (body.querySelector(`tr[data-id="${Number(order.id)}"]`)) return;
    // Keep newest first even if two announcements cross on the wire.
    let before = null;
    for (const tr of body.children) {
      if (Number(tr.dataset.id) < order.id) {
        before = tr;
        break;
      }
    }
    body.insertBefore(orderRow(order, true), before);
    while (body.children.length > LATEST) body.lastElementChild.remove();
  }

  function renderChart(stats) {
    const counts = stats.perMinute;
    const w = 600;
    const h = 130;
    const gap = 4;
    const barW = w / counts.length - gap;
    const max = Math.max(1, ...counts);
    const root = svg("svg", { viewBox: `0 0 ${w} ${h + 14}`, role: "img", "aria-label": "Orders per minute" });
    counts.forEach((n, i) => {
      const barH = Math.round((n / max) * (h - 12));
      const x = i * (barW + gap);
      const rect = svg("rect", { x, y: h - barH, width: barW, height: barH, "data-count": n });
      const title = svg("title", {});
      title.textContent = `${new Date(stats.since + i * 60000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}: ${n}`;
      rect.append(title);
      root.append(rect);
      if (n > 0) {
        const label = svg("text", { x: x + barW / 2, y: h - barH - 2, "text-anchor": "middle" });
        label.textContent = String(n);
        root.append(label);
      }
    });
    const axis = svg("text", { x: 0, y: h + 12 });
    axis.textContent = "-15 min";
    const now = svg("text", { x: w, y: h + 12, "text-anchor": "end" });
    now.textContent = "now";
    root.append(axis, now);
    $("chart").replaceChildren(root);
  }

  function renderStats(stats) {
    renderChart(stats);
    $("top-users").replaceChildren(
      ...stats.topUsers.map((u) => {
        const li = el("li", "");
        li.dataset.user = u.user;
        li.append(el("span", "name", u.user), el("span", "count", `${u.count} order${u.count === 1 ? "" : "s"}`));
        return li;
      }),
    );
    $("total").textContent = `${stats.total} orders in total`;
  }

  function setStatus(status) {
    const node = $("status");
    node.dataset.status = status;
    node.className = `status status-${status}`;
    node.textContent = status;
  }

  function showError(text) {
    const node = $("form-error");
    node.textContent = text || "";
    node.hidden = !text;
  }

  // ---- connection ---------------------------------------------------------------------------------------

  const socket = io({ reconnectionDelay: 500, reconnectionDelayMax: 3000 });
  socket.on("connect", () => setStatus("connected"));
  socket.on("disconnect", () => setStatus("reconnecting"));
  socket.io.on("reconnect_attempt", () => setStatus("reconnecting"));
  // A fresh snapshot on every (re)connect replaces whatever was missed meanwhile.
  socket.on("snapshot", (snap) => {
    renderOrders(snap.orders);
    renderStats(snap.stats);
  });
  socket.on("order:new", addOrder);
  socket.on("stats", renderStats);

  $("order-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const payload = { user: $("user-input").value, item: $("item-input").value, amount: Number($("amount-input").value) };
    showError("");
    socket.timeout(5000).emit("order:add", payload, (err, res) => {
      if (err) showError("No answer from the server; try again.");
      else if (!res.ok) showError(res.error);
      else {
        $("item-input").value = "";
        $("amount-input").value = "";
        $("item-input").focus();
      }
    });
  });
})();
