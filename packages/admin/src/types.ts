import type { Namespace, Server, Socket } from "@switchboard/server";

/* The admin tools accept a server of any event maps and socket data, as `@socket.io/admin-ui` does. */
/* eslint-disable @typescript-eslint/no-explicit-any -- user event maps are opaque to the admin tools */
/** A `Server` with any event maps. */
export type AnyServer = Server<any, any, any, any>;
/** A `Namespace` with any event maps. */
export type AnyNamespace = Namespace<any, any, any, any>;
/** A `Socket` with any event maps. */
export type AnySocket = Socket<any, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The Engine.IO connection of a socket (`socket.conn`). */
export type EngineConnection = AnySocket["conn"];
