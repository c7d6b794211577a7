// The benchmark app, identical for every Socket.IO-compatible server: `echo` acks its data, `bcast` →
// `io.emit`, `join` → `socket.join` (acked with the room), `room` → `io.to(room).emit`.

/**
 * Installs the app on `io` and returns a live count of connected sockets.
 * @example
 * const app = installApp(new Server(httpServer));
 * app.count(); // connected sockets
 */
export function installApp(io) {
  let count = 0;
  io.on("connection", (socket) => {
    count++;
    socket.on("disconnect", () => count--);
    socket.on("echo", (data, ack) => {
      if (typeof ack === "function") ack(data);
    });
    socket.on("bcast", (data) => io.emit("bcast", data));
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack(room);
    });
    socket.on("room", (room, data) => io.to(room).emit("room", data));
  });
  return { count: () => count };
}

/** The options both servers get (all equal to both packages' defaults but `serveClient`). */
export const SERVER_OPTIONS = {
  serveClient: false,
  perMessageDeflate: false,
  httpCompression: false,
};
