// The peer directory over an in-memory key-value store with a fake clock: claim, conflict, refresh (also after the
// store lost everything), release, and the validation that keeps tags and addresses from being anything else.
import { createPeerDirectory, type PeerKeyValue } from "@switchboard/adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** A Redis-like store on the (fake) clock: entries expire at their PX. */
class MemoryKv implements PeerKeyValue {
  readonly data = new Map<string, { value: string; expires: number }>();
  readonly log: string[] = [];
  /** When set, every command rejects with it (the store is down). */
  failure: Error | undefined;
  /** When set, `set` waits for this promise before answering (a slow store). */
  gate: Promise<void> | undefined;

  #check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
  #live(key: string): string | null {
    const e = this.data.get(key);
    if (e === undefined) return null;
    if (e.expires <= Date.now()) {
      this.data.delete(key);
      return null;
    }
    return e.value;
  }
  async get(key: string): Promise<string | null> {
    this.log.push(`GET ${key}`);
    this.#check();
    return this.#live(key);
  }
  async set(key: string, value: string, opts: { px: number; nx?: boolean }): Promise<boolean> {
    this.log.push(`SET ${key} ${value} PX ${opts.px}${opts.nx === true ? " NX" : ""}`);
    this.#check();
    if (this.gate !== undefined) await this.gate;
    if (opts.nx === true && this.#live(key) !== null) return false;
    this.data.set(key, { value, expires: Date.now() + opts.px });
    return true;
  }
  async del(key: string): Promise<void> {
    this.log.push(`DEL ${key}`);
    this.#check();
    this.data.delete(key);
  }
  /** A store restart without persistence. */
  flush(): void {
    this.data.clear();
  }
}

const PREFIX = "socket.io#sb-peer#";
const A = "http://10.0.0.1:3000";
const B = "http://10.0.0.2:3000";

let kv: MemoryKv;
beforeEach(() => {
  vi.useFakeTimers();
  kv = new MemoryKv();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createPeerDirectory", () => {
  it("claims a free tag, writes it with NX and the TTL, and looks it up", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX });
    await expect(dir.claim("abc_-9", A)).resolves.toBe(true);
    expect(kv.log).toEqual([`SET ${PREFIX}abc_-9 ${A} PX 15000 NX`]);
    await expect(dir.lookup("abc_-9")).resolves.toBe(A);
    await expect(dir.lookup("other1")).resolves.toBeNull();
    await dir.release("abc_-9");
  });

  it("refuses a tag another node holds, and keeps its entry", async () => {
    const mine = createPeerDirectory(kv, { prefix: PREFIX });
    const theirs = createPeerDirectory(kv, { prefix: PREFIX });
    await expect(mine.claim("tag001", A)).resolves.toBe(true);
    await expect(theirs.claim("tag001", B)).resolves.toBe(false);
    await expect(theirs.lookup("tag001")).resolves.toBe(A);
    // The loser does not refresh nor delete what it never held.
    await theirs.release("tag001");
    await vi.advanceTimersByTimeAsync(5000);
    expect(kv.data.get(`${PREFIX}tag001`)?.value).toBe(A);
    await mine.release("tag001");
  });

  it("accepts a claim of a tag already published with the same address (a repeated claim)", async () => {
    const first = createPeerDirectory(kv, { prefix: PREFIX });
    const again = createPeerDirectory(kv, { prefix: PREFIX });
    await first.claim("tag002", A);
    await expect(again.claim("tag002", A)).resolves.toBe(true);
    await first.release("tag002");
    await again.release("tag002");
  });

  it("refreshes the entry so it outlives its TTL, and brings it back after the store lost it", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX, ttl: 300, refreshInterval: 100 });
    await dir.claim("tag003", A);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(dir.lookup("tag003")).resolves.toBe(A);
    expect(kv.log).toContain(`SET ${PREFIX}tag003 ${A} PX 300`);

    kv.flush();
    await expect(dir.lookup("tag003")).resolves.toBeNull();
    await vi.advanceTimersByTimeAsync(100);
    await expect(dir.lookup("tag003")).resolves.toBe(A);
    await dir.release("tag003");
  });

  it("swallows refresh failures and resumes once the store answers again", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX, ttl: 300, refreshInterval: 100 });
    await dir.claim("tag004", A);
    kv.failure = new Error("store down");
    kv.flush();
    // Several failed refreshes: no unhandled rejection (vitest would fail the run), nothing written.
    await vi.advanceTimersByTimeAsync(350);
    expect(kv.data.size).toBe(0);
    await expect(dir.lookup("tag004")).rejects.toThrow("store down");
    kv.failure = undefined;
    await vi.advanceTimersByTimeAsync(100);
    await expect(dir.lookup("tag004")).resolves.toBe(A);
    await dir.release("tag004");
  });

  it("does not stack refreshes while one is unanswered", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX, ttl: 300, refreshInterval: 100 });
    await dir.claim("tag005", A);
    let open!: () => void;
    kv.gate = new Promise<void>((r) => (open = r));
    const before = kv.log.length;
    await vi.advanceTimersByTimeAsync(500);
    expect(kv.log.length - before).toBe(1);
    kv.gate = undefined;
    open();
    await vi.advanceTimersByTimeAsync(100);
    expect(kv.log.length - before).toBe(2);
    await dir.release("tag005");
  });

  it("release stops the refresh and deletes the entry, after a refresh in flight", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX, ttl: 300, refreshInterval: 100 });
    await dir.claim("tag006", A);
    let open!: () => void;
    kv.gate = new Promise<void>((r) => (open = r));
    await vi.advanceTimersByTimeAsync(100); // a refresh is now waiting on the store
    const released = dir.release("tag006");
    kv.gate = undefined;
    open();
    await released;
    // The late refresh landed before the DEL: the entry is gone, and no timer writes it again.
    expect(kv.log.at(-1)).toBe(`DEL ${PREFIX}tag006`);
    await expect(dir.lookup("tag006")).resolves.toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    await expect(dir.lookup("tag006")).resolves.toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("unrefs its refresh timer", async () => {
    const spy = vi.spyOn(globalThis, "setInterval");
    const dir = createPeerDirectory(kv, { prefix: PREFIX });
    await dir.claim("tag007", A);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    spy.mockRestore();
    expect(timer.hasRef()).toBe(false);
    await dir.release("tag007");
  });

  it("lookup rejects when the store cannot answer", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX });
    kv.failure = new Error("ECONNREFUSED");
    await expect(dir.lookup("tag008")).rejects.toThrow("ECONNREFUSED");
  });

  it("claim rejects when the store cannot answer, and then does not refresh", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX });
    kv.failure = new Error("down");
    await expect(dir.claim("tag009", A)).rejects.toThrow("down");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("never looks up an invalid tag (no other key can be reached)", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX });
    kv.data.set(`${PREFIX}x#y`, { value: A, expires: Infinity });
    for (const tag of ["", "x#y", "a b", "../etc", "a".repeat(17), "é", "a\r\nb"])
      await expect(dir.lookup(tag)).resolves.toBeNull();
    expect(kv.log).toEqual([]);
    await expect(dir.claim("x#y", A)).rejects.toThrow(TypeError);
    await expect(dir.release("x#y")).resolves.toBeUndefined();
    expect(kv.log).toEqual([]);
  });

  it("treats an entry that is not http://host:port as absent", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX });
    const bad = [
      "https://10.0.0.1:3000",
      "http://10.0.0.1",
      "http://10.0.0.1:3000/path",
      "http://user:pw@10.0.0.1:3000",
      "http://10.0.0.1:0",
      "http://10.0.0.1:70000",
      "file:///etc/passwd",
      "http://a b:3000",
      " http://10.0.0.1:3000",
    ];
    for (const [i, value] of bad.entries())
      kv.data.set(`${PREFIX}bad${i}`, { value, expires: Infinity });
    for (const i of bad.keys()) await expect(dir.lookup(`bad${i}`)).resolves.toBeNull();
    await expect(dir.claim("tag010", "http://evil/x")).rejects.toThrow(TypeError);
  });

  it("refuses a refresh interval that is not below the TTL", () => {
    expect(() =>
      createPeerDirectory(kv, { prefix: PREFIX, ttl: 100, refreshInterval: 100 }),
    ).toThrow(RangeError);
  });
});

describe("tags and addresses", () => {
  it("accepts base64url tags of 1..16 characters only", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX });
    for (const tag of ["a", "Az09_-Az09_-Az09"]) {
      await expect(dir.claim(tag, A)).resolves.toBe(true);
      await dir.release(tag);
    }
    for (const tag of ["Az09_-Az09_-Az09x", "a=", 12 as unknown as string])
      await expect(dir.claim(tag, A)).rejects.toThrow(TypeError);
  });

  it("accepts http://host:port with a name, an IPv4 or a bracketed IPv6", async () => {
    const dir = createPeerDirectory(kv, { prefix: PREFIX });
    const good = [
      "http://127.0.0.1:1",
      "http://node-3.svc.cluster.local:65535",
      "http://[::1]:3000",
    ];
    for (const address of good) {
      await expect(dir.claim("ok", address)).resolves.toBe(true);
      await expect(dir.lookup("ok")).resolves.toBe(address);
      await dir.release("ok");
    }
    for (const address of [
      "http://[fe80::1%eth0]:3000",
      "http://::1:3000",
      null as unknown as string,
    ])
      await expect(dir.claim("ko", address)).rejects.toThrow(TypeError);
  });
});
