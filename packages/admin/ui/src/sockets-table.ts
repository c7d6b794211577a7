// The sockets table: one keyed row per socket, updated cell by cell, so that a half-typed room name or an
// opened handshake survives the live updates. Actions are only rendered when the server announced them;
// Disconnect asks for confirmation, and the page's own admin socket is marked and cannot be disconnected.
import type { SerializedSocket } from "../../src/protocol.js";
import { fill, formatTime, h, preview } from "./dom.js";

export interface Actions {
  disconnect(nsp: string, id: string): void;
  join(nsp: string, room: string, id: string): void;
  leave(nsp: string, room: string, id: string): void;
}

export interface Permissions {
  disconnect: boolean;
  join: boolean;
  leave: boolean;
}

const COLUMNS = [
  "id",
  "nsp",
  "transport",
  "address",
  "time",
  "rooms",
  "handshake",
  "data",
  "actions",
] as const;
type Column = (typeof COLUMNS)[number];

function details(summary: string, value: unknown): HTMLElement {
  return h(
    "details",
    {},
    h("summary", {}, summary),
    h("pre", {}, JSON.stringify(value, null, 2) ?? ""),
  );
}

class SocketRow {
  readonly tr: HTMLTableRowElement;
  readonly #cells = new Map<Column, HTMLTableCellElement>();
  readonly #sigs = new Map<Column, string>();
  socket: SerializedSocket;

  constructor(
    socket: SerializedSocket,
    private readonly actions: Actions,
  ) {
    this.socket = socket;
    this.tr = h("tr", { data: { id: socket.id, nsp: socket.nsp } });
    for (const c of COLUMNS) {
      const td = h("td", { class: `col-${c}` });
      this.#cells.set(c, td);
      this.tr.append(td);
    }
  }

  #cell(column: Column, signature: string, build: (td: HTMLTableCellElement) => void): void {
    if (this.#sigs.get(column) === signature) return;
    this.#sigs.set(column, signature);
    const td = this.#cells.get(column);
    if (td !== undefined) build(td);
  }

  update(s: SerializedSocket, perms: Permissions, self: boolean): void {
    this.socket = s;
    const hs = s.handshake ?? ({} as Partial<SerializedSocket["handshake"]>);
    this.tr.classList.toggle("self", self);
    this.#cell("id", JSON.stringify([s.id, self]), (td) =>
      fill(
        td,
        h("code", {}, s.id),
        self &&
          h(
            "span",
            { class: "badge self-badge", title: "The socket of this admin page" },
            "this page",
          ),
      ),
    );
    this.#cell("nsp", s.nsp, (td) => fill(td, s.nsp));
    this.#cell("transport", String(s.transport ?? ""), (td) =>
      fill(td, h("span", { class: "badge" }, String(s.transport ?? "?"))),
    );
    this.#cell("address", String(hs.address ?? ""), (td) => fill(td, String(hs.address ?? "")));
    this.#cell("time", String(hs.time ?? ""), (td) => {
      fill(td, formatTime(hs.time));
      td.title = String(hs.time ?? "");
    });
    const rooms = s.rooms.filter((r) => r !== s.id);
    this.#cell("rooms", JSON.stringify([rooms, perms.leave]), (td) =>
      fill(
        td,
        ...rooms.map((room) =>
          h(
            "span",
            { class: "chip", data: { room } },
            room,
            perms.leave &&
              h(
                "button",
                {
                  class: "chip-x",
                  type: "button",
                  title: `Make ${s.id} leave ${room}`,
                  data: { action: "leave", room },
                  aria: { label: `Leave ${room}` },
                  onclick: () => this.actions.leave(this.socket.nsp, room, this.socket.id),
                },
                "×",
              ),
          ),
        ),
        rooms.length === 0 && h("span", { class: "muted" }, "—"),
      ),
    );
    this.#cell("handshake", preview([hs.query, hs.headers, hs.url], 100_000), (td) => {
      const headers = hs.headers ?? {};
      const query = hs.query ?? {};
      fill(
        td,
        details(`query (${Object.keys(query).length})`, query),
        details(`headers (${Object.keys(headers).length})`, headers),
      );
    });
    this.#cell("data", preview(s.data, 100_000), (td) => {
      const text = preview(s.data ?? {}, 80);
      fill(td, text.length < 80 ? h("code", {}, text) : details(text, s.data));
    });
    this.#cell("actions", JSON.stringify([perms, self]), (td) =>
      this.#buildActions(td, perms, self),
    );
  }

  /** Disconnect, then "Disconnect <id>? Yes / Cancel" in its place: one click never kicks anyone. */
  #disconnectButton(): HTMLElement {
    const box = h("span", { class: "disconnect-box" });
    const ask = (): void => {
      const yes = h(
        "button",
        {
          class: "danger",
          type: "button",
          data: { action: "confirm-disconnect" },
          aria: { label: `Confirm: disconnect ${this.socket.id}` },
          onclick: () => {
            this.actions.disconnect(this.socket.nsp, this.socket.id);
            reset();
          },
        },
        "Yes, disconnect",
      );
      fill(
        box,
        h("span", { class: "confirm-text", aria: { live: "polite" } }, "Disconnect this socket?"),
        yes,
        h(
          "button",
          { class: "ghost", type: "button", data: { action: "cancel-disconnect" }, onclick: reset },
          "Cancel",
        ),
      );
      yes.focus();
    };
    const reset = (): void =>
      fill(
        box,
        h(
          "button",
          {
            class: "danger",
            type: "button",
            data: { action: "disconnect" },
            title: `Disconnect ${this.socket.id} (asks for confirmation)`,
            onclick: ask,
          },
          "Disconnect",
        ),
      );
    reset();
    return box;
  }

  #buildActions(td: HTMLTableCellElement, perms: Permissions, self: boolean): void {
    const input = h("input", {
      class: "room-input",
      placeholder: "room",
      data: { action: "join-room" },
      aria: { label: "Room to join" },
    });
    fill(
      td,
      perms.join &&
        h(
          "form",
          {
            class: "join-form",
            onsubmit: (ev) => {
              ev.preventDefault();
              const room = input.value.trim();
              if (room === "") return;
              this.actions.join(this.socket.nsp, room, this.socket.id);
              input.value = "";
            },
          },
          input,
          h("button", { type: "submit", data: { action: "join" } }, "Join"),
        ),
      perms.disconnect && !self && this.#disconnectButton(),
    );
  }
}

/** Keeps `tbody` in step with the sockets, newest connections last. */
export class SocketsTable {
  readonly #rows = new Map<string, SocketRow>();

  constructor(
    private readonly tbody: HTMLTableSectionElement,
    private readonly actions: Actions,
  ) {}

  /** `self`: the page's own socket (namespace and id), marked and never offered a Disconnect. */
  render(
    sockets: Iterable<[string, SerializedSocket]>,
    perms: Permissions,
    self?: { nsp: string; id: string },
  ): void {
    const seen = new Set<string>();
    let previous: HTMLTableRowElement | null = null;
    for (const [key, s] of sockets) {
      seen.add(key);
      let row = this.#rows.get(key);
      if (row === undefined) this.#rows.set(key, (row = new SocketRow(s, this.actions)));
      row.update(s, perms, self !== undefined && s.nsp === self.nsp && s.id === self.id);
      // Keep DOM order = map order without moving rows that are already in place (moving would blur inputs).
      const expected: ChildNode | null =
        previous === null ? this.tbody.firstChild : previous.nextSibling;
      if (expected !== row.tr) this.tbody.insertBefore(row.tr, expected);
      previous = row.tr;
    }
    for (const [key, row] of this.#rows) {
      if (!seen.has(key)) {
        row.tr.remove();
        this.#rows.delete(key);
      }
    }
  }
}
