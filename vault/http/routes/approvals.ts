import type { RouteDef } from "../context.js";

export const approvalRoutes: RouteDef[] = [];
