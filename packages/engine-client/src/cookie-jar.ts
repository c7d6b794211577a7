import type { CookieJar } from "./platform.js";

interface Cookie {
  value: string;
  /** Expiry in ms since the epoch, or 0 for a session cookie. */
  expires: number;
}

/**
 * A minimal cookie store for one client (Node with `withCredentials`), so that cookie-based sticky sessions
 * (docs/protocol.md §5.4) keep working between the polling requests and the WebSocket upgrade. One origin only,
 * so domain and path attributes are not needed.
 */
export class MemoryCookieJar implements CookieJar {
  readonly #cookies = new Map<string, Cookie>();

  store(setCookie: string | string[] | undefined): void {
    if (!setCookie) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) this.#parse(line);
  }

  header(): string {
    const now = Date.now();
    let out = "";
    for (const [name, c] of this.#cookies) {
      if (c.expires && c.expires <= now) {
        this.#cookies.delete(name);
        continue;
      }
      out += `${out ? "; " : ""}${name}=${c.value}`;
    }
    return out;
  }

  #parse(line: string): void {
    const parts = line.split(";");
    const first = parts[0] ?? "";
    const eq = first.indexOf("=");
    if (eq <= 0) return;
    const name = first.slice(0, eq).trim();
    const value = first.slice(eq + 1).trim();
    let expires = 0;
    for (let i = 1; i < parts.length; i++) {
      const [k = "", v = ""] = parts[i]!.split("=", 2);
      const key = k.trim().toLowerCase();
      if (key === "max-age") {
        const secs = Number(v.trim());
        if (!Number.isNaN(secs)) expires = Date.now() + secs * 1000;
        break; // Max-Age wins over Expires (RFC 6265 §5.3)
      } else if (key === "expires") {
        const t = Date.parse(v.trim());
        if (!Number.isNaN(t)) expires = t;
      }
    }
    if (expires && expires <= Date.now()) this.#cookies.delete(name);
    else this.#cookies.set(name, { value, expires });
  }
}
