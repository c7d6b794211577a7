import type { BinaryType } from "@switchboard/engine-parser";
import type { ResolvedOptions } from "./options.js";

/** Raw data as the transports hand it to the codec. */
export type RawData = string | ArrayBuffer | Uint8Array;

/** Cookies kept between requests (Node with `withCredentials`); browsers let the user agent do it. */
export interface CookieJar {
  /** Value for the `Cookie` request header, or `""`. */
  header(): string;
  /** Stores the `Set-Cookie` headers of a response. */
  store(setCookie: string | string[] | undefined): void;
}

/** One HTTP long-polling request; `done` is called exactly once. */
export interface PollRequest {
  method: "GET" | "POST";
  url: string;
  body: string | undefined;
  opts: ResolvedOptions;
  /** Node only (browsers keep cookies themselves). */
  jar?: CookieJar | undefined;
}

export type PollCallback = (err: unknown, status: number, body: string) => void;

/** The subset of the WHATWG WebSocket the transport uses (`ws` in Node has it too). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string | ArrayBuffer | ArrayBufferView, opts?: { compress?: boolean }): void;
  close(): void;
  /** Node `ws`: drop the connection without the closing handshake. */
  terminate?(): void;
}

/**
 * What differs between browsers and Node. `index.ts` wires the browser one, `index.node.ts` the Node one,
 * so browser code never imports `node:*` (ARCHITECTURE.md).
 */
export interface Platform {
  /** Sends one polling request; returns an abort function. */
  request(req: PollRequest, done: PollCallback): () => void;
  /** Opens a WebSocket. */
  openWebSocket(url: string, opts: ResolvedOptions, jar: CookieJar | undefined): WebSocketLike;
  /** `binaryType` to set on WebSockets. */
  wsBinaryType: string;
  /** How the codec hands out received binary (browsers: `arraybuffer`, as engine.io-client does). */
  binaryType?: BinaryType;
  /** Converts received binary further (Node: to a Buffer view). */
  binary?(data: Uint8Array | ArrayBuffer): Uint8Array | ArrayBuffer;
  /** Whether a `send` option `{ compress }` is honoured by the WebSocket (Node's `ws`). */
  wsCompress?: boolean;
  /** A cookie jar for this socket, when the platform keeps cookies itself. */
  cookieJar?(): CookieJar;
  /** Browser page hooks (`beforeunload`, `offline`); returns a remover. */
  pageHooks?(onUnload: (() => void) | undefined, onOffline: () => void): () => void;
}
