import type WebSocket from "ws";

/** Types for the load generator's minimal client (eio-client.mjs), used by the tests. */
export declare class WsClient {
  sid: string;
  id: string;
  readonly ws: WebSocket;
  readonly closed: Promise<void>;
  static connect(
    port: number,
    opts?: { host?: string; path?: string; localAddress?: string; timeout?: number },
  ): Promise<WsClient>;
  on(event: string, fn: (args: unknown[], ackId?: number) => void): this;
  emit(event: string, ...args: unknown[]): void;
  emitCb(event: string, args: unknown[], fn: (args: unknown[]) => void): void;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]>;
  sendRaw(packet: string): void;
  close(): Promise<void>;
  terminate(): void;
}
