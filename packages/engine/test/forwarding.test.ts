// Forwarding (issue #16), the pieces: tags in session ids, the peer cache, the advertised address, the
// claim of a node's tag, options, and the engine's API around them.
import { createServer, type IncomingMessage } from "node:http";
import { afterEach, describe, expect, test, vi } from "vitest";
import { closeHttp, listen } from "../../../test/support/net.js";
import { InvalidOptionError, Server } from "../src/index.js";
import { advertiseAddress, parseAddress } from "../src/forwarding/advertise-address.js";
import {
  forwardedFor,
  requestHeaders,
  upgradePreamble,
} from "../src/forwarding/forward-headers.js";
import { resolveForwardingOptions } from "../src/forwarding/options.js";
import { PeerCache } from "../src/forwarding/peer-cache.js";
import { Peers } from "../src/forwarding/peers.js";
import { ownerTag, randomTag, stripHopMarker } from "../src/forwarding/sid-tag.js";
import { TagClaim } from "../src/forwarding/tag-claim.js";
import { FakeDirectory, startNode } from "./forwarding-cluster.js";
import { cleanup, onCleanup, raw, rawHandshake, waitFor } from "./helpers.js";

afterEach(cleanup);

function fakeRequest(headers: Record<string, string>, remoteAddress = "10.0.0.9"): IncomingMessage {
  const rawHeaders = Object.entries(headers).flat();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return {
    method: "GET",
    url: "/engine.io/?EIO=4&transport=websocket&sid=x",
    headers: lower,
    rawHeaders,
    socket: { remoteAddress },
  } as unknown as IncomingMessage;
}

describe("tags in session ids", () => {
  test("a tag is 6 base64url characters and starts a 26-character sid", () => {
    for (let i = 0; i < 50; i++) {
      const tag = randomTag();
      expect(tag).toMatch(/^[A-Za-z0-9_-]{6}$/);
      expect(ownerTag(tag + "B".repeat(20))).toBe(tag);
    }
  });

  test("ids of another length or with other characters have no owner", () => {
    expect(ownerTag("A".repeat(20))).toBeNull();
    expect(ownerTag("A".repeat(27))).toBeNull();
    expect(ownerTag("ab/def" + "A".repeat(20))).toBeNull();
    expect(ownerTag("ab.def" + "A".repeat(20))).toBeNull();
  });

  test("the hop marker is taken off headers and rawHeaders", () => {
    const req = fakeRequest({ Host: "h", "X-Switchboard-Hop": "abcdef", Cookie: "a=1" });
    expect(stripHopMarker(req)).toBe(true);
    expect(req.headers["x-switchboard-hop"]).toBeUndefined();
    expect(req.rawHeaders).toEqual(["Host", "h", "Cookie", "a=1"]);
    expect(stripHopMarker(req)).toBe(false);
  });
});

describe("headers of a relayed request", () => {
  test("hop-by-hop headers stay behind; x-forwarded-for and the marker are added", () => {
    const req = fakeRequest({
      Host: "h",
      Connection: "keep-alive, X-Private",
      "Keep-Alive": "timeout=5",
      "X-Private": "secret",
      "Transfer-Encoding": "chunked",
      Cookie: "a=1",
      "X-Forwarded-For": "1.2.3.4",
    });
    expect(requestHeaders(req, "tagtag")).toEqual({
      host: "h",
      cookie: "a=1",
      "x-forwarded-for": "1.2.3.4, 10.0.0.9",
      "x-switchboard-hop": "tagtag",
    });
    expect(forwardedFor(fakeRequest({}))).toBe("10.0.0.9");
  });

  test("an upgrade keeps its raw headers, in order, with the marker last", () => {
    const req = fakeRequest({ Host: "h", Connection: "Upgrade", Upgrade: "websocket" });
    expect(upgradePreamble(req, "tagtag")).toBe(
      "GET /engine.io/?EIO=4&transport=websocket&sid=x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n" +
        "Upgrade: websocket\r\nx-forwarded-for: 10.0.0.9\r\nx-switchboard-hop: tagtag\r\n\r\n",
    );
  });
});

describe("peer cache", () => {
  test("keeps the most recently used entries up to its bound", () => {
    const evicted: string[] = [];
    const cache = new PeerCache<string>(2, (v) => evicted.push(v));
    cache.set("a", "A");
    cache.set("b", "B");
    expect(cache.get("a")).toBe("A"); // a is now the youngest
    cache.set("c", "C");
    expect(cache.get("b")).toBeUndefined();
    expect(evicted).toEqual(["B"]);
    expect(cache.delete("a")).toBe(true);
    expect(evicted).toEqual(["B", "A"]);
    expect(cache.size).toBe(1);
  });

  test("lookups of one tag in a burst cost one directory call; failures are not kept", async () => {
    const directory = new FakeDirectory();
    directory.entries.set("tagtag", "http://127.0.0.1:9");
    const peers = new Peers(directory, 1000);
    onCleanup(() => peers.close());
    const [p1, p2] = await Promise.all([peers.resolve("tagtag"), peers.resolve("tagtag")]);
    expect(p1).toBe(p2);
    expect(p1).toMatchObject({ host: "127.0.0.1", port: 9, address: "http://127.0.0.1:9" });
    expect(peers.resolve("tagtag")).toBe(p1); // from the cache, synchronously
    expect(directory.lookups).toEqual(["tagtag"]);
    peers.drop("tagtag");
    directory.mode = "reject";
    expect(await peers.resolve("tagtag")).toBeNull();
    directory.mode = "ok";
    expect(await peers.resolve("tagtag")).not.toBeNull();
    expect(directory.lookups).toHaveLength(3);
  });

  test("an address that is not http://host:port is never used", async () => {
    const directory = new FakeDirectory();
    directory.entries.set("tagtag", "https://evil.example:443");
    const peers = new Peers(directory, 1000);
    onCleanup(() => peers.close());
    expect(await peers.resolve("tagtag")).toBeNull();
  });
});

describe("advertised address", () => {
  const interfaces = {
    lo: [{ address: "127.0.0.1", family: "IPv4", internal: true }],
    eth0: [
      { address: "fe80::1", family: "IPv6", internal: false },
      { address: "10.1.2.3", family: "IPv4", internal: false },
    ],
  } as unknown as NodeJS.Dict<import("node:os").NetworkInterfaceInfo[]>;

  test("a wildcard bind is advertised as the first external IPv4", () => {
    expect(advertiseAddress({ address: "::", family: "IPv6", port: 80 }, interfaces)).toBe(
      "http://10.1.2.3:80",
    );
    expect(advertiseAddress({ address: "0.0.0.0", family: "IPv4", port: 81 }, {})).toBe(
      "http://127.0.0.1:81",
    );
  });

  test("an IPv6 literal is bracketed; a pipe has no address", () => {
    const address = advertiseAddress({ address: "::1", family: "IPv6", port: 3000 }, interfaces);
    expect(address).toBe("http://[::1]:3000");
    expect(parseAddress(address!)).toEqual({ host: "::1", port: 3000 });
    expect(advertiseAddress("/tmp/sock", interfaces)).toBeNull();
    expect(parseAddress("ftp://h:1")).toBeNull();
    expect(parseAddress("not a url")).toBeNull();
  });
});

describe("options", () => {
  test("defaults and validation", () => {
    expect(resolveForwardingOptions()).toEqual({
      address: undefined,
      maxInFlight: 10_000,
      connectTimeout: 2000,
      lookupTimeout: 1000,
    });
    expect(() => resolveForwardingOptions({ maxInFlight: 0 })).toThrow(InvalidOptionError);
    expect(() => resolveForwardingOptions({ lookupTimeout: 1.5 })).toThrow(InvalidOptionError);
    expect(() => resolveForwardingOptions({ address: "tcp://h:1" })).toThrow(InvalidOptionError);
    expect(() =>
      new Server().enableForwarding(new FakeDirectory(), { connectTimeout: -1 }),
    ).toThrow(InvalidOptionError);
  });
});

describe("the claim of a node's tag", () => {
  test("a tag another node holds is replaced by a new one", async () => {
    const directory = new FakeDirectory();
    const claim = new TagClaim(directory);
    const first = claim.tag;
    directory.taken.add(first);
    claim.setAddress("http://127.0.0.1:1");
    await claim.settled;
    expect(claim.state).toBe("claimed");
    expect(claim.tag).not.toBe(first);
    expect(directory.entries.get(claim.tag)).toBe("http://127.0.0.1:1");
    claim.release();
    await waitFor(() => directory.entries.size === 0, "the tag released");
  });

  test("a directory that fails is asked again later", async () => {
    vi.useFakeTimers();
    onCleanup(() => vi.useRealTimers());
    const directory = new FakeDirectory();
    let fail = true;
    const claimOnce = directory.claim.bind(directory);
    directory.claim = (tag, address) =>
      fail ? Promise.reject(new Error("down")) : claimOnce(tag, address);
    const claim = new TagClaim(directory);
    claim.setAddress("http://127.0.0.1:1");
    await claim.settled;
    expect(claim.state).toBe("retrying");
    fail = false;
    await vi.advanceTimersByTimeAsync(300);
    await claim.settled;
    expect(claim.state).toBe("claimed");
    claim.release();
  });

  test("a claim answered after release is undone", async () => {
    const directory = new FakeDirectory();
    let open!: () => void;
    directory.claimGate = new Promise((resolve) => (open = resolve));
    const claim = new TagClaim(directory);
    claim.setAddress("http://127.0.0.1:1");
    claim.release();
    open();
    await waitFor(() => directory.releases.length === 2, "the late claim released");
    expect(directory.entries.size).toBe(0);
  });
});

describe("engine API", () => {
  async function unlistened(): Promise<{ engine: Server; start: () => Promise<number> }> {
    const http = createServer();
    const engine = new Server().attach(http);
    onCleanup(() => {
      engine.close();
      return closeHttp(http);
    });
    return { engine, start: () => listen(http) };
  }

  test("a handshake made while the tag is being claimed waits for it and gets a tagged id", async () => {
    const directory = new FakeDirectory();
    let open!: () => void;
    directory.claimGate = new Promise((resolve) => (open = resolve));
    const { engine, start } = await unlistened();
    engine.enableForwarding(directory);
    expect(engine.forwarding).toMatchObject({ address: null, claimed: false });
    const port = await start();
    await waitFor(() => directory.claims.length === 1, "the claim sent");
    expect(directory.claims[0]![1]).toBe(`http://127.0.0.1:${port}`);
    const handshake = rawHandshake({ port } as never);
    await waitFor(() => engine.forwarding!.address !== null, "the address known");
    open();
    const sid = await handshake;
    expect(sid).toHaveLength(26);
    expect(sid.startsWith(engine.forwarding!.tag)).toBe(true);
    expect(engine.forwarding!.claimed).toBe(true);
  });

  test("a claim that does not complete within lookupTimeout leaves the session local", async () => {
    const directory = new FakeDirectory();
    directory.claimGate = new Promise(() => {});
    const { engine, start } = await unlistened();
    engine.enableForwarding(directory, { lookupTimeout: 30 });
    const port = await start();
    const sid = await rawHandshake({ port } as never);
    expect(sid).toHaveLength(20);
    const res = await raw({ port } as never, "POST", `EIO=4&transport=polling&sid=${sid}`, "4x");
    expect(res.status).toBe(200);
  });

  test("an overridden generateId is left alone", async () => {
    const directory = new FakeDirectory();
    const node = await startNode(directory);
    node.engine.generateId = () => "custom-id-" + Math.random().toString(36).slice(2);
    expect(await rawHandshake(node)).toMatch(/^custom-id-/);
  });

  test("another directory moves the claim; disable releases it; close disables", async () => {
    const first = new FakeDirectory();
    const second = new FakeDirectory();
    const node = await startNode(first, {}, { address: "http://127.0.0.1:1" });
    const tag = node.engine.forwarding!.tag;
    expect(first.entries.get(tag)).toBe("http://127.0.0.1:1");
    node.engine.enableForwarding(second, { address: "http://127.0.0.1:1" });
    await waitFor(() => second.entries.has(tag) && !first.entries.has(tag), "the claim moved");
    expect(node.engine.forwarding!.tag).toBe(tag);
    node.engine.disableForwarding();
    expect(node.engine.forwarding).toBeNull();
    await waitFor(() => second.entries.size === 0, "the tag released");
    // Sessions made from now on are not tagged.
    expect(await rawHandshake(node)).toHaveLength(20);
    node.engine.enableForwarding(first, { address: "http://127.0.0.1:1" });
    await waitFor(() => first.entries.size === 1, "claimed again");
    node.engine.close();
    expect(node.engine.forwarding).toBeNull();
    await waitFor(() => first.entries.size === 0, "released on close");
  });

  test("a request for the node's own tag is never forwarded", async () => {
    const directory = new FakeDirectory();
    const node = await startNode(directory);
    const sid = node.engine.forwarding!.tag + "A".repeat(20);
    const res = await raw(node, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(res.status).toBe(400);
    expect(directory.lookups).toEqual([]);
    expect(node.engine.forwarding!.refused).toBe(0);
  });
});
