// Pure helpers for the chat page (no DOM): initials, avatar colours, times, day labels, grouping.
// Loaded before app.js; exposes one global, ChatFormat.
(function () {
  "use strict";

  const GROUP_WINDOW = 5 * 60 * 1000; // consecutive messages of one sender within 5 min share a header

  /** "Ada Lovelace" -> "AL", "bob" -> "B", "李雷" -> "李". */
  function initials(name) {
    const words = String(name).trim().split(/\s+/).filter(Boolean);
    const letters = words.slice(0, 2).map((w) => Array.from(w)[0] || "");
    return letters.join("").toUpperCase() || "?";
  }

  /** A stable colour class (0-7) per name. */
  function hue(name) {
    let h = 0;
    for (const ch of String(name)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
    return h % 8;
  }

  function sameDay(a, b) {
    const x = new Date(a);
    const y = new Date(b);
    return (
      x.getFullYear() === y.getFullYear() &&
      x.getMonth() === y.getMonth() &&
      x.getDate() === y.getDate()
    );
  }

  /** "Today", "Yesterday", or a date such as "Monday, 7 December 2026". */
  function dayLabel(ts, now) {
    if (sameDay(ts, now)) return "Today";
    if (sameDay(ts, now - 86400000)) return "Yesterday";
    return new Date(ts).toLocaleDateString(undefined, {
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
    });
  }

  /** "just now", "5 min ago", then the clock time ("14:05"). */
  function relativeTime(ts, now) {
    const s = Math.round((now - ts) / 1000);
    if (s < 45) return "just now";
    const m = Math.round(s / 60);
    if (m < 60) return m + " min ago";
    return new Date(ts).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  }

  /** Whether `item` continues the group of `prev` (same sender, same day, close in time). */
  function continues(prev, item) {
    return (
      !!prev &&
      prev.type === "msg" &&
      item.type === "msg" &&
      prev.from === item.from &&
      item.ts - prev.ts < GROUP_WINDOW &&
      sameDay(prev.ts, item.ts)
    );
  }

  window.ChatFormat = { initials, hue, sameDay, dayLabel, relativeTime, continues };
})();
