/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
// The namespaces of a server: static ones by name, and the dynamic parents (`io.of(/regex/)`, `io.of(fn)`) whose
// matching names become child namespaces, on `io.of(name)` or on a client's CONNECT (docs/protocol.md §2.4).
import type { EventsMap } from "@switchboard/emitter";
import createDebug from "debug";
import { Namespace } from "./namespace.js";
import { ParentNamespace } from "./parent-namespace.js";
import type { Server } from "./server.js";
import type { Socket } from "./socket.js";

const debug = createDebug("socket.io:server");

/** The function form of a dynamic namespace: `next(null, true)` accepts `name`. */
export type ParentNspNameMatchFn = (
  name: string,
  auth: { [key: string]: any },
  fn: (err: Error | null, success: boolean) => void,
) => void;

/**
 * Creates and finds the namespaces of one server; they are kept in `server._nsps` (which socket.io users' tools read).
 * @internal
 */
export class NamespaceRegistry<L extends EventsMap, E extends EventsMap, S extends EventsMap, D> {
  readonly #server: Server<L, E, S, D>;
  readonly #parents = new Map<ParentNspNameMatchFn, ParentNamespace<L, E, S, D>>();
  readonly #parentFromRegExp = new Map<RegExp, ParentNamespace<L, E, S, D>>();

  constructor(server: Server<L, E, S, D>) {
    this.#server = server;
  }

  /** `io.of()`: see Server#of. */
  of(
    name: string | RegExp | ParentNspNameMatchFn,
    fn?: (socket: Socket<L, E, S, D>) => void,
  ): Namespace<L, E, S, D> {
    if (typeof name === "function" || name instanceof RegExp) {
      // `test()` on a global or sticky RegExp depends on its previous calls (`lastIndex`); socket.io 4.8.4 refuses it.
      if (name instanceof RegExp && (name.global || name.sticky))
        throw new Error("stateful regular expressions are not supported");
      const parent = this.#parent(name);
      if (fn) parent.on("connect", fn);
      return parent;
    }
    const server = this.#server;
    if (name[0] !== "/") name = "/" + name;
    let nsp = server._nsps.get(name);
    if (nsp === undefined) {
      for (const [re, parent] of this.#parentFromRegExp) {
        if (re.test(name)) {
          nsp = parent._createChild(name);
          break;
        }
      }
      if (nsp === undefined) {
        debug("initializing namespace %s", name);
        nsp = new Namespace(server, name);
        server._nsps.set(name, nsp);
      }
      // `server.sockets` is unset while the main namespace itself is being created.
      if (name !== "/" && server.sockets !== undefined)
        server.sockets._emitUntyped("new_namespace", nsp);
    }
    if (fn) nsp.on("connect", fn);
    return nsp;
  }

  /** Find a dynamic namespace accepting `name` (its matchers may answer asynchronously), creating the child. */
  check(
    name: string,
    auth: Record<string, unknown>,
    done: (nsp: Namespace<L, E, S, D> | false) => void,
  ): void {
    const server = this.#server;
    const matchers = [...this.#parents.entries()];
    const tryAt = (i: number): void => {
      const entry = matchers[i];
      if (entry === undefined) return done(false);
      const [matcher, parent] = entry;
      let answered = false;
      const next = (err: Error | null, allow: boolean): void => {
        if (answered) return;
        answered = true;
        if (err || !allow) return tryAt(i + 1);
        const existing = server._nsps.get(name);
        if (existing !== undefined) return done(existing);
        const child = parent._createChild(name);
        debug("dynamic namespace %s created", name);
        server.sockets._emitUntyped("new_namespace", child);
        done(child);
      };
      try {
        matcher(name, auth, next);
      } catch (err) {
        next(err instanceof Error ? err : new Error(String(err)), false);
      }
    };
    tryAt(0);
  }

  /** The parent for a RegExp (one per distinct source) or a function, created on first use. */
  #parent(name: RegExp | ParentNspNameMatchFn): ParentNamespace<L, E, S, D> {
    let parent: ParentNamespace<L, E, S, D> | undefined;
    if (name instanceof RegExp) {
      for (const [re, p] of this.#parentFromRegExp) if (String(re) === String(name)) parent = p;
    }
    if (parent !== undefined) return parent;
    parent = new ParentNamespace(this.#server);
    if (typeof name === "function") {
      this.#parents.set(name, parent);
    } else {
      const re = name;
      this.#parents.set((nsp, _auth, next) => next(null, re.test(nsp)), parent);
      this.#parentFromRegExp.set(re, parent);
    }
    return parent;
  }
}
