// Overhead measurement helper: preloaded into the benchmark's server process with
//   NODE_OPTIONS="--import ./packages/admin/bench/instrument-preload.mjs" node bench/run.mjs --servers switchboard …
// it calls instrument() (and metrics) on every @switchboard/server Server as soon as it is attached to an
// HTTP server, so the unchanged benchmark app runs instrumented. SB_ADMIN_MODE picks the mode
// (production by default), SB_ADMIN_METRICS=0 leaves the Prometheus collector out, SB_ADMIN_EVENT_LOG_RATE
// sets `eventLogRate` (a number or Infinity; default: instrument()'s).
import { Server } from "@switchboard/server";
import { instrument } from "@switchboard/admin";

const mode = process.env.SB_ADMIN_MODE === "development" ? "development" : "production";
const withMetrics = process.env.SB_ADMIN_METRICS !== "0";
const rate = process.env.SB_ADMIN_EVENT_LOG_RATE
  ? { eventLogRate: Number(process.env.SB_ADMIN_EVENT_LOG_RATE) }
  : {};
const done = new WeakSet();
const attach = Server.prototype.attach;
Server.prototype.attach = function (...args) {
  const result = attach.apply(this, args);
  if (!done.has(this)) {
    done.add(this);
    instrument(this, {
      auth: false,
      mode,
      metrics: withMetrics ? { path: "/metrics" } : false,
      ...rate,
    });
  }
  return result;
};
