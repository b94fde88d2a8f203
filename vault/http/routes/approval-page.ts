import type { RouteDef } from "../context.js";

export const approvalPageRoutes: RouteDef[] = [];
