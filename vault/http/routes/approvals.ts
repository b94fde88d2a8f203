// GET /v1/approvals/{id}: the SDK polls an approval; `result` is the provider's answer once executed.
import { VaultError } from "../../errors.js";
import type { RouteContext, RouteDef, RouteResult } from "../context.js";
import { expireIfDue, getApproval, openApprovalResult } from "../../approvals/store.js";

function show(ctx: RouteContext): RouteResult {
  const id = ctx.params.id!;
  expireIfDue(ctx.db, id, ctx.now());
  const a = getApproval(ctx.db, id);
  if (!a || a.appId !== ctx.app.id) throw new VaultError("not_found", "No approval with this id.");
  const result = a.status === "executed" ? openApprovalResult(ctx.db, ctx.crypto, id) : null;
  const withheld = result === "withheld";
  return {
    status: 200,
    json: {
      id: a.id,
      status: a.status,
      expiresAt: a.expiresAt,
      result: result && !withheld ? { ...result, grantId: a.grantId } : null,
      error: withheld ? { code: "result_withheld" } : a.errorCode ? { code: a.errorCode } : null,
    },
  };
}

export const approvalRoutes: RouteDef[] = [{ method: "GET", path: "/v1/approvals/:id", auth: "signed", handler: show }];
