// The history store: one interface, two implementations (SQLite file, PostgreSQL).

/** One room message as stored and as sent to clients. */
export interface ChatMessage {
  /** Server-chosen unique id. */
  id: string;
  room: string;
  from: string;
  text: string;
  /** Milliseconds since the epoch, server clock. */
  ts: number;
}

/** Where room history lives. Implementations must survive a restart of the chat server. */
export interface ChatStore {
  /** Creates tables if needed; rejects with a clear message when the database is unreachable. */
  init(): Promise<void>;
  add(message: ChatMessage): Promise<void>;
  /** The last `limit` messages of `room`, oldest first. */
  recent(room: string, limit: number): Promise<ChatMessage[]>;
  /** Up to `limit` rooms that have history, most recently active first (so an emptied room stays listed). */
  rooms(limit: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Storage could not be opened or used; `cause` holds the driver's error. */
export class StoreError extends Error {
  readonly code = "ERR_CHAT_STORE";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}

/** Maps a row with loosely typed columns (pg returns bigint as string) to a message. */
export function rowToMessage(row: Record<string, unknown>): ChatMessage {
  return {
    id: String(row["id"]),
    room: String(row["room"]),
    from: String(row["sender"]),
    text: String(row["text"]),
    ts: Number(row["ts"]),
  };
}
