// The CONNECT admission flow (docs/protocol.md §2.4): a connection has `connectTimeout` ms to join a namespace;
// a CONNECT recovers or creates the socket, runs the namespace's middlewares, then admits it (CONNECT reply,
// `connection`) or refuses it (CONNECT_ERROR). The per-connection namespace limit is checked by the client
// before any of this (client.ts), so a flood of CONNECTs creates nothing.
import { reportError } from "./report.js";
import { DeadlineQueue } from "@switchboard/engine/internal";
import createDebug from "debug";
import type { Client } from "./client.js";
import { runChain, type ChainFn } from "./middleware.js";
import type { Namespace } from "./namespace.js";
import { Socket } from "./socket.js";
import type { ExtendedError } from "./typed-events.js";

const debug = createDebug("socket.io:namespace");

/* eslint-disable @typescript-eslint/no-explicit-any -- admission serves namespaces of every event map */
type AnySocket = Socket<any, any, any, any>;
type AnyNamespace = Namespace<any, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Called once per CONNECT: with the admitted socket, or `undefined` when it was refused or the client left. */
export type AdmissionDone = (socket?: AnySocket) => void;

/**
 * @internal One shared timer for every connection's `connectTimeout`: a connection that joined no namespace
 * in time is closed.
 */
export function connectQueue(delay: number): DeadlineQueue<Client> {
  // The engine's queue wants a positive delay; 0 (or less) closed on the next timer tick, which 1 ms still does.
  // No slack: a connection gets its whole connectTimeout, never a few ms less.
  const ms = delay > 1 ? delay : 1;
  return new DeadlineQueue<Client>(ms, closeUnjoined, { slack: 0 });
}

function closeUnjoined(client: Client): void {
  debug("no namespace joined yet, closing the connection");
  client._close();
}

/** @internal A CONNECT for `nsp`: recover or create the socket, run the middlewares, admit. */
export function admit(
  nsp: AnyNamespace,
  client: Client,
  auth: Record<string, unknown>,
  done: AdmissionDone,
): void {
  const recovery = nsp.server._recovery;
  const { pid, offset } = auth;
  if (recovery === undefined || typeof pid !== "string" || typeof offset !== "string") {
    runMiddlewares(nsp, new Socket(nsp, client, auth), done);
    return;
  }
  nsp.adapter
    .restoreSession(pid, offset)
    .then(
      (session) => {
        if (client.conn.readyState !== "open") return done(undefined);
        if (session === null) return runMiddlewares(nsp, new Socket(nsp, client, auth), done);
        debug("connection state recovered for sid %s", session.sid);
        const socket = new Socket(nsp, client, auth, session);
        if (recovery.skipMiddlewares) nsp._connect(socket, done);
        else runMiddlewares(nsp, socket, done);
      },
      (err: unknown) => {
        debug("restoreSession failed: %o", err);
        runMiddlewares(nsp, new Socket(nsp, client, auth), done);
      },
    )
    .catch((err: unknown) => reportError(err));
}

function runMiddlewares(nsp: AnyNamespace, socket: AnySocket, done: AdmissionDone): void {
  const finish = (err?: unknown): void => {
    if (socket.client.conn.readyState !== "open") {
      debug("next called after client was closed - ignoring socket");
      socket._cleanup();
      done(undefined);
      return;
    }
    if (err !== undefined) {
      const error = toExtendedError(err);
      debug("middleware error, sending CONNECT_ERROR packet to the client");
      socket._cleanup();
      socket._error({ message: String(error.message), data: error.data });
      done(undefined);
      return;
    }
    nsp._connect(socket, done);
  };
  if (nsp._fns.length === 0) return finish();
  nsp._preConnectSockets.set(socket.id, socket);
  // A copy: a middleware added while this CONNECT runs applies from the next one.
  runChain(nsp._fns.slice() as ChainFn<AnySocket>[], nsp, socket, finish);
}

function toExtendedError(err: unknown): ExtendedError {
  if (err instanceof Error) return err;
  if (typeof err === "object" && err !== null && "message" in err) return err as ExtendedError;
  return new Error(String(err));
}
