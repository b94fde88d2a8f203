// Every route module of the vault's HTTP API. Add one line per module.
import type { RouteDef } from "../context.js";
import { healthRoutes } from "./health.js";
import { credentialRoutes } from "./credentials.js";
import { proxyRoutes } from "./proxy.js";
import { grantRoutes } from "./grants.js";
import { approvalRoutes } from "./approvals.js";
import { approvalPageRoutes } from "./approval-page.js";
import { connectRoutes } from "./connect.js";
import { authRoutes } from "./auth.js";

export const routeModules: (readonly RouteDef[])[] = [
  healthRoutes,
  credentialRoutes,
  proxyRoutes,
  grantRoutes,
  approvalRoutes,
  approvalPageRoutes,
  connectRoutes,
  authRoutes,
];

export function allRoutes(): RouteDef[] {
  return routeModules.flat();
}
