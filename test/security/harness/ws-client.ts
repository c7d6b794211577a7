// A deliberately dumb Engine.IO v4 / Socket.IO v5 peer over the `ws` client: sends exactly the frames a test
// wants (docs/protocol.md §1.2, §2.2), answers pings, and records what the server sent and how it closed.
import WebSocket from "ws";
import { opened } from "./raw.js";
import { withTimeout } from "./wait.js";

type Frame = string | Buffer;

export interface CloseInfo {
  code: number;
  /** The close frame's reason bytes, as received. */
  reason: Buffer;
}

export class RawWs {
  readonly ws: WebSocket;
  sid = "";
  readonly frames: Frame[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | undefined;
  #waiters = new Set<() => void>();

  private constructor(url: string, autoPong: boolean) {
    this.ws = new WebSocket(url);
    this.ws.on("error", () => undefined); // a reset shows up as `closed`
    this.ws.on("message", (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? data : data.toString();
      if (autoPong && frame === "2") this.send("3");
      this.frames.push(frame);
      this.#wake();
    });
    this.closed = new Promise((resolve) =>
      this.ws.on("close", (code: number, reason: Buffer) => {
        this.closeInfo = { code, reason };
        this.#wake();
        resolve(this.closeInfo);
      }),
    );
    opened.add({ destroy: () => this.ws.terminate() });
  }

  /** Opens `/socket.io/?EIO=4&transport=websocket` and waits for the Engine.IO open packet. */
  static async open(
    port: number,
    opts: { autoPong?: boolean; query?: string } = {},
  ): Promise<RawWs> {
    const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket${opts.query ?? ""}`;
    const client = new RawWs(url, opts.autoPong ?? true);
    const open = await client.next(
      (f) => typeof f === "string" && f.startsWith("0{"),
      "the open packet",
    );
    client.sid = (JSON.parse((open as string).slice(1)) as { sid: string }).sid;
    return client;
  }

  /** Opens and joins "/" (`40`), waiting for the CONNECT reply. */
  static async connected(port: number): Promise<RawWs> {
    const client = await RawWs.open(port);
    client.send("40");
    await client.next((f) => typeof f === "string" && f.startsWith("40{"), "the CONNECT reply");
    return client;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  send(frame: Frame, opts: { fin?: boolean; binary?: boolean } = {}): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame, opts);
  }

  /** The first received frame matching `match`; fails if the connection closes first or after `ms`. */
  next(match: (f: Frame) => boolean, what: string, ms = 5000): Promise<Frame> {
    let wake: (() => void) | undefined;
    const p = new Promise<Frame>((resolve, reject) => {
      wake = () => {
        const hit = this.frames.find(match);
        if (hit !== undefined) resolve(hit);
        else if (this.closeInfo)
          reject(
            new Error(
              `closed (${this.closeInfo.code}) before ${what}; got ${JSON.stringify(this.frames.slice(-5))}`,
            ),
          );
      };
      this.#waiters.add(wake);
      wake();
    });
    return withTimeout(p, ms, what).finally(() => this.#waiters.delete(wake!));
  }

  /** Waits for the server to close this connection (bounded). */
  waitClosed(what: string, ms = 5000): Promise<CloseInfo> {
    return withTimeout(this.closed, ms, `the server to close ${what}`);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/**
 * Sends `frames` (strings as text, Buffers as binary) on a fresh connection joined to "/": the server must close
 * that connection, and must not have run a handler for them (no ACK packet, `43…`, came back).
 */
export async function expectRefusedOverWs(
  port: number,
  frames: (string | Buffer)[],
  what: string,
): Promise<void> {
  const ws = await RawWs.connected(port);
  for (const f of frames) ws.send(f, { binary: typeof f !== "string" });
  await ws.waitClosed(`the connection that sent ${what}`, 3000);
  const acks = ws.frames.filter((f) => typeof f === "string" && f.startsWith("43"));
  if (acks.length > 0)
    throw new Error(`${what} was acknowledged (${JSON.stringify(acks)}) before the close`);
}
