// Every route module of the vault's HTTP API. Add one line per module.
import type { RouteDef, SignedContext } from "../context.js";
import { requireScope } from "../../keys/scopes.js";
import { healthRoutes } from "./health.js";
import { credentialRoutes } from "./credentials.js";
import { proxyRoutes } from "./proxy.js";
import { grantRoutes } from "./grants.js";
import { approvalRoutes } from "./approvals.js";
import { approvalPageRoutes } from "./approval-page.js";
import { connectRoutes } from "./connect.js";
import { connectPageRoutes } from "./connect-pages.js";
import { authRoutes } from "./auth.js";

export const routeModules: (readonly RouteDef[])[] = [
  healthRoutes,
  credentialRoutes,
  proxyRoutes,
  grantRoutes,
  approvalRoutes,
  approvalPageRoutes,
  connectRoutes,
  connectPageRoutes,
  authRoutes,
];

/** Every route; a signed route's handler runs only for a key holding the route's scope. */
export function allRoutes(): RouteDef[] {
  return routeModules.flat().map(withScopeCheck);
}

function withScopeCheck(route: RouteDef): RouteDef {
  if (route.auth !== "signed") return route;
  const { scope, handler } = route;
  const label = `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`;
  return {
    ...route,
    handler: (ctx: SignedContext) => {
      requireScope(ctx.apiKey, scope, label);
      return handler(ctx);
    },
  };
}
