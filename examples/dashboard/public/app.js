/* global io */
// The dashboard page. Plain script, no build step, no chart library. User text only ever reaches the DOM
// through textContent, never innerHTML, so an order from "<script>…" stays text.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const LATEST = 20;
  const moneyFormat = new Intl.NumberFormat(undefined, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });

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
      el("td", "id", String(order.id)),
      el(
        "td",
        "time",
        new Date(order.created_at).toLocaleTimeString([], {
          hour: "2-digit",
          minute: "2-digit",
          second: "2-digit",
        }),
      ),
      el("td", "user", order.user),
      el("td", "item", order.item),
      el("td", "num amount", moneyFormat.format(order.amount)),
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

  /** The smallest "nice" step (1, 2 or 5 times a power of ten, at least 1 cent) not below `raw`. */
  function niceStep(raw) {
    const r = Math.max(raw, 0.01);
    const pow = 10 ** Math.floor(Math.log10(r));
    return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= r * 0.999999);
  }

  const compact = new Intl.NumberFormat(undefined, {
    notation: "compact",
    maximumFractionDigits: 1,
  });
  const hhmm = (t) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  let lastStats = null;

  /**
   * Bars: orders per minute (left axis); line: revenue per minute (right axis). Gridlines on the orders
   * scale, minute labels below. Drawn at the container's pixel width so text stays readable on a phone.
   */
  function renderChart(stats) {
    lastStats = stats;
    const box = $("chart");
    const counts = stats.perMinute;
    const revenue = stats.revenuePerMinute || counts.map(() => 0);
    const w = Math.max(260, Math.round(box.clientWidth || 600));
    const h = 220;
    const pad = { left: 34, right: 52, top: 10, bottom: 24 };
    const plotW = w - pad.left - pad.right;
    const plotH = h - pad.top - pad.bottom;
    const slot = plotW / counts.length;
    const barW = Math.max(2, slot * 0.6);
    // Orders: whole steps, about 4 gridlines; revenue: the same gridlines, its own nice step.
    const maxOrders = Math.max(1, ...counts);
    const ordersStep = Math.max(1, Math.round(niceStep(maxOrders / 4)));
    const lines = Math.max(1, Math.ceil(maxOrders / ordersStep));
    const orders = { step: ordersStep, top: ordersStep * lines };
    const moneyStep = niceStep(Math.max(1, ...revenue) / lines);
    const money = { step: moneyStep, top: moneyStep * lines };
    const yOrders = (n) => pad.top + plotH - (n / orders.top) * plotH;
    const yMoney = (v) => pad.top + plotH - (v / money.top) * plotH;
    const root = svg("svg", {
      viewBox: `0 0 ${w} ${h}`,
      role: "img",
      "aria-label": `Orders and revenue per minute, last ${counts.length} minutes`,
    });
    // horizontal gridlines and both y axes' labels
    for (let i = 0; i <= lines; i++) {
      const y = pad.top + plotH - (i / lines) * plotH;
      root.append(
        svg("line", { class: "gridline", x1: pad.left, x2: w - pad.right, y1: y, y2: y }),
      );
      const left = svg("text", {
        class: "y-orders",
        x: pad.left - 6,
        y: y + 4,
        "text-anchor": "end",
      });
      left.textContent = compact.format(i * orders.step);
      const right = svg("text", { class: "y-revenue", x: w - pad.right + 6, y: y + 4 });
      right.textContent = compact.format(i * money.step);
      root.append(left, right);
    }
    root.append(
      svg("line", { class: "axis", x1: pad.left, x2: pad.left, y1: pad.top, y2: pad.top + plotH }),
      svg("line", {
        class: "axis",
        x1: w - pad.right,
        x2: w - pad.right,
        y1: pad.top,
        y2: pad.top + plotH,
      }),
      svg("line", {
        class: "axis",
        x1: pad.left,
        x2: w - pad.right,
        y1: pad.top + plotH,
        y2: pad.top + plotH,
      }),
    );
    // one bar per minute, with its tooltip
    const labelEvery = slot >= 40 ? 1 : slot >= 20 ? 3 : 5;
    const points = [];
    counts.forEach((n, i) => {
      const x = pad.left + i * slot + (slot - barW) / 2;
      const y = yOrders(n);
      const start = stats.since + i * 60000;
      const rect = svg("rect", {
        class: "bar",
        x,
        y,
        width: barW,
        height: pad.top + plotH - y,
        "data-count": n,
        "data-revenue": revenue[i],
      });
      const title = svg("title", {});
      title.textContent = `${hhmm(start)}: ${n} order${n === 1 ? "" : "s"}, ${moneyFormat.format(revenue[i])}`;
      rect.append(title);
      root.append(rect);
      points.push(`${pad.left + (i + 0.5) * slot},${yMoney(revenue[i])}`);
      // minute labels, counted back from the current minute so "now" is always labelled
      if ((counts.length - 1 - i) % labelEvery === 0) {
        const label = svg("text", {
          class: "x-label",
          x: pad.left + (i + 0.5) * slot,
          y: h - 6,
          "text-anchor": "middle",
        });
        label.textContent = hhmm(start);
        root.append(label);
      }
    });
    root.append(svg("polyline", { class: "revenue-line", points: points.join(" ") }));
    points.forEach((p, i) => {
      if (revenue[i] <= 0) return;
      const [cx, cy] = p.split(",");
      root.append(svg("circle", { class: "revenue-dot", cx, cy, r: 3 }));
    });
    box.replaceChildren(root);
  }

  window.addEventListener("resize", () => {
    if (lastStats) renderChart(lastStats);
  });

  function renderStats(stats) {
    renderChart(stats);
    $("top-users").replaceChildren(
      ...stats.topUsers.map((u) => {
        const li = el("li", "");
        li.dataset.user = u.user;
        li.append(
          el("span", "name", u.user),
          el("span", "count", `${u.count} order${u.count === 1 ? "" : "s"}`),
        );
        return li;
      }),
    );
    $("total").textContent = `${stats.total} orders in total`;
    $("kpi-orders").textContent = String(stats.total);
    $("kpi-revenue").textContent = moneyFormat.format(stats.revenue || 0);
    $("kpi-recent").textContent = String(stats.perMinute.reduce((a, b) => a + b, 0));
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
    const payload = {
      user: $("user-input").value,
      item: $("item-input").value,
      amount: Number($("amount-input").value),
    };
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
