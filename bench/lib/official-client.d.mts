/** Types for the wrapped official client (official-client.mjs), used by the tests. */
export declare class OfficialClient {
  readonly id: string | undefined;
  static connect(port: number, opts?: { host?: string; timeout?: number }): Promise<OfficialClient>;
  on(event: string, fn: (args: unknown[]) => void): this;
  emit(event: string, ...args: unknown[]): void;
  emitCb(event: string, args: unknown[], fn: (args: unknown[]) => void): void;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
  terminate(): void;
}
