// The JSON API: `POST /api/orders` (validated like the socket path) and `GET /api/orders` (the snapshot).
import express, { type NextFunction, type Request, type Response } from "express";
import type { Broadcaster } from "./broadcaster.js";
import type { OrderStore } from "./store.js";
import { checkOrder, DashboardError } from "./validate.js";

export const BODY_LIMIT = "16kb";

export function apiRouter(store: OrderStore, broadcaster: Broadcaster): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: BODY_LIMIT }));

  router.get("/orders", (_req, res, next) => {
    broadcaster.snapshot().then((snap) => res.json(snap), next);
  });

  router.post("/orders", (req, res, next) => {
    let input;
    try {
      input = checkOrder(req.body);
    } catch (err) {
      const e = err as DashboardError;
      res.status(400).json({ ok: false, code: e.code, error: e.message });
      return;
    }
    store.add(input).then((order) => {
      broadcaster.announce(order);
      res.status(201).json({ ok: true, order });
    }, next);
  });

  // Body-parser errors (bad JSON, too large) and store failures: a JSON answer, never an HTML stack trace.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = err as { status?: unknown; type?: unknown; message?: unknown };
    const status = typeof e.status === "number" && e.status >= 400 && e.status < 500 ? e.status : 500;
    if (status === 500) console.error(`dashboard: API error: ${String(e.message)}`);
    const code = status === 413 ? "ERR_DASH_TOO_LARGE" : status === 500 ? "ERR_DASH_INTERNAL" : "ERR_DASH_BAD_JSON";
    const error = status === 413 ? `The body is larger than ${BODY_LIMIT}` : status === 500 ? "Cannot store the order right now" : "The body is not valid JSON";
    res.status(status).json({ ok: false, code, error });
  });
  return router;
}

