import { AdminError, AdminErrorCode } from "../errors.js";

/** The code of {@link DashboardOptionsError}: the package's `ERR_SB_ADMIN_INVALID_OPTION`. */
export const DASHBOARD_OPTIONS_ERROR = AdminErrorCode.INVALID_OPTION;

/**
 * Thrown by `serveDashboard()` / `createDashboardHandler()` (and so by `instrument()` with its `dashboard`
 * option) when `path`, `socketPath` or `namespaceName` is not an absolute URL path. An `AdminError`, so one
 * `instanceof AdminError` check covers every option error of the package.
 */
export class DashboardOptionsError extends AdminError {
  constructor(message: string) {
    super(DASHBOARD_OPTIONS_ERROR, message);
    this.name = "DashboardOptionsError";
  }
}
