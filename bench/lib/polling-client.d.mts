import type { Agent } from "node:http";

/** Types for the minimal long-polling client (polling-client.mjs), used by the tests. */
export declare const pollingAgent: Agent;
export declare class PollingClient {
  sid: string;
  id: string;
  static connect(port: number, opts?: { path?: string }): Promise<PollingClient>;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}
