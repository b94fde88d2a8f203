import type { RouteDef } from "../context.js";
import { VAULT_VERSION } from "../../version.js";
import { PROTOCOL_VERSION } from "../../../protocol/rules.js";

export const healthRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/v1/health",
    auth: "none",
    handler: () => ({ status: 200, json: { ok: true, version: VAULT_VERSION, protocol: PROTOCOL_VERSION } }),
  },
];
