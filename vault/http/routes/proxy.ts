import type { RouteDef } from "../context.js";

export const proxyRoutes: RouteDef[] = [];
