// The JSON API: `POST /api/orders` (validated like the socket path) and `GET /api/orders` (the snapshot).
// Every answer is JSON, errors included: 405 with `Allow` for another method, 404 for an unknown route, 415
// for a body that is not `application/json`, 400/413 for a bad or oversized body.
import express, { type NextFunction, type Request, type Response } from "express";
import type { Broadcaster } from "./broadcaster.js";
import type { OrderStore } from "./store.js";
import { checkOrder, DashboardError } from "./validate.js";

export const BODY_LIMIT = "16kb";
/** Methods `/api/orders` answers (HEAD comes with GET). */
export const ORDERS_ALLOW = "GET, HEAD, POST";

function fail(res: Response, status: number, code: string, error: string): void {
  res.status(status).json({ ok: false, code, error });
}

/** Unknown routes (API or not): a JSON 404, not Express's HTML page. Mount it last. */
export function notFound(req: Request, res: Response): void {
  fail(res, 404, "ERR_DASH_NOT_FOUND", `Nothing at ${req.method} ${req.originalUrl.split("?")[0]}`);
}

export function apiRouter(store: OrderStore, broadcaster: Broadcaster): express.Router {
  const router = express.Router();

  router.get("/orders", (_req, res, next) => {
    broadcaster.snapshot().then((snap) => res.json(snap), next);
  });

  router.post("/orders", express.json({ limit: BODY_LIMIT }), (req, res, next) => {
    // express.json() leaves other media types unparsed: say so instead of "not an object".
    if (!req.is("application/json")) {
      fail(
        res,
        415,
        "ERR_DASH_UNSUPPORTED_MEDIA_TYPE",
        "The body must be JSON (Content-Type: application/json)",
      );
      return;
    }
    let input;
    try {
      input = checkOrder(req.body);
    } catch (err) {
      const e = err as DashboardError;
      fail(res, 400, e.code, e.message);
      return;
    }
    store.add(input).then((order) => {
      broadcaster.announce(order);
      res.status(201).json({ ok: true, order });
    }, next);
  });

  router.all("/orders", (req, res) => {
    res.setHeader("Allow", ORDERS_ALLOW);
    fail(
      res,
      405,
      "ERR_DASH_METHOD_NOT_ALLOWED",
      `${req.method} is not allowed on /api/orders (${ORDERS_ALLOW})`,
    );
  });

  router.use(notFound);

  // Body-parser errors (bad JSON, too large) and store failures: a JSON answer, never an HTML stack trace.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = err as { status?: unknown; type?: unknown; message?: unknown };
    const status =
      typeof e.status === "number" && e.status >= 400 && e.status < 500 ? e.status : 500;
    if (status === 500) console.error(`dashboard: API error: ${String(e.message)}`);
    const code =
      status === 413
        ? "ERR_DASH_TOO_LARGE"
        : status === 500
          ? "ERR_DASH_INTERNAL"
          : "ERR_DASH_BAD_JSON";
    const error =
      status === 413
        ? `The body is larger than ${BODY_LIMIT}`
        : status === 500
          ? "Cannot store the order right now"
          : "The body is not valid JSON";
    res.status(status).json({ ok: false, code, error });
  });
  return router;
}
