// Innocent bystanders: official socket.io-client peers (one over WebSocket, one over long-polling) that keep
// doing ack round trips ("echo") while an attack runs. An attack that disconnects them, or stalls their
// round trips, fails the test. Reconnection is off, so a drop cannot be papered over.
import { io, type Socket } from "socket.io-client";
import { withTimeout } from "./wait.js";

export type Transport = "websocket" | "polling";

/** Generous: a stalled server, not a slow one, should trip it. */
const ACK_TIMEOUT_MS = 10_000;
/** Pacing of the background round trips (load generator rhythm, not a synchronisation point). */
const PULSE_GAP_MS = 20;

/** Connects an official client with only `transport`, waits for `connect` (bounded). */
export async function connectClient(
  port: number,
  transport: Transport,
  what = `a ${transport} client`,
): Promise<Socket> {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: [transport],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
  });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", (err) =>
          reject(new Error(`${what} could not connect: ${err.message}`)),
        );
      }),
      8000,
      `${what} to connect`,
    );
  } catch (err) {
    socket.disconnect();
    throw err;
  }
  return socket;
}

/** One echo round trip; fails if the ack does not come back equal, or not within the bound. */
export async function echo(socket: Socket, what: string): Promise<void> {
  const payload = { n: Math.random(), text: "héllo", list: [1, 2, 3] };
  const reply: unknown = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("echo", payload);
  if (JSON.stringify(reply) !== JSON.stringify(payload))
    throw new Error(`${what}: echo came back different: ${JSON.stringify(reply)}`);
}

/** A fresh client connects over `transport`, does one round trip, and leaves. */
export async function freshClientWorks(port: number, transport: Transport): Promise<void> {
  const socket = await connectClient(port, transport, `a fresh ${transport} client`);
  try {
    await echo(socket, `fresh ${transport} client`);
  } finally {
    socket.disconnect();
  }
}

class Innocent {
  readonly socket: Socket;
  readonly name: string;
  disconnectReason: string | undefined;
  roundTrips = 0;
  failure: Error | undefined;
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(socket: Socket, name: string) {
    this.socket = socket;
    this.name = name;
    socket.on("disconnect", (reason) => (this.disconnectReason ??= reason));
  }

  start(): void {
    this.#running = true;
    this.roundTrips = 0;
    this.#loop = (async () => {
      while (this.#running && this.failure === undefined) {
        try {
          await echo(this.socket, this.name);
          this.roundTrips++;
        } catch (err) {
          this.failure = err as Error;
          return;
        }
        await new Promise((r) => setTimeout(r, PULSE_GAP_MS));
      }
    })();
  }

  /** Waits for at least one round trip since `start()`, then stops the loop. */
  async stop(): Promise<void> {
    const deadline = Date.now() + ACK_TIMEOUT_MS + 2000;
    while (this.roundTrips === 0 && this.failure === undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, PULSE_GAP_MS));
    }
    this.#running = false;
    await this.#loop;
    if (this.failure)
      throw new Error(
        `${this.name}: a round trip failed during the attack: ${this.failure.message}`,
      );
    if (this.roundTrips === 0)
      throw new Error(`${this.name}: no round trip completed during the attack`);
  }

  assertStillConnected(): void {
    if (this.disconnectReason !== undefined || !this.socket.connected) {
      throw new Error(
        `${this.name} was disconnected by the attack (${this.disconnectReason ?? "not connected"})`,
      );
    }
  }
}

/** The two innocent clients of one attack. */
export class Innocents {
  readonly list: Innocent[];

  private constructor(list: Innocent[]) {
    this.list = list;
  }

  static async connect(port: number): Promise<Innocents> {
    const ws = await connectClient(port, "websocket", "the innocent websocket client");
    const polling = await connectClient(port, "polling", "the innocent polling client").catch(
      (err: unknown) => {
        ws.disconnect();
        throw err;
      },
    );
    const innocents = new Innocents([
      new Innocent(ws, "innocent websocket client"),
      new Innocent(polling, "innocent polling client"),
    ]);
    // One round trip each before the baseline, so lazily created state is already there.
    await Promise.all(innocents.list.map((i) => echo(i.socket, i.name)));
    return innocents;
  }

  startPulse(): void {
    for (const i of this.list) i.start();
  }

  /** Stops the background round trips; fails if any failed or none completed. */
  async stopPulse(): Promise<void> {
    await Promise.all(this.list.map((i) => i.stop()));
  }

  /** Not disconnected, and one more round trip each works. */
  async assertUnharmed(): Promise<void> {
    for (const i of this.list) i.assertStillConnected();
    await Promise.all(this.list.map((i) => echo(i.socket, i.name)));
    for (const i of this.list) i.assertStillConnected();
  }

  close(): void {
    for (const i of this.list) i.socket.disconnect();
  }
}
