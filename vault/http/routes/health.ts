import type { RouteDef } from "../context.js";
import { VAULT_VERSION } from "../../version.js";

export const healthRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/v1/health",
    auth: "none",
    handler: () => ({ status: 200, json: { ok: true, version: VAULT_VERSION } }),
  },
];
