// GET /v1/approvals/{id}: the SDK polls an approval; `result` is the provider's answer once executed.
// Visible only to the principal that asked.
import type { ApprovalAnswer } from "../../../protocol/wire.js";
import { VaultError } from "../../errors.js";
import type { SignedContext, RouteDef, RouteResult } from "../context.js";
import { currentApproval, openApprovalResult } from "../../approvals/store.js";

async function show(ctx: SignedContext): Promise<RouteResult> {
  const id = ctx.params.id!;
  const a = (await currentApproval(ctx.store, id, ctx.now()))?.approval;
  // Only the principal whose call asked sees it: the same end user (Alter-User-Token), or, for a
  // call made without one, a request without one. Anyone else gets the answer for a missing id.
  if (!a || a.appId !== ctx.app.id || (a.requester?.userId ?? null) !== (ctx.caller.user?.userId ?? null)) {
    throw new VaultError("not_found", "No approval with this id.");
  }
  const result = a.status === "executed" ? await openApprovalResult(ctx.store, ctx.crypto, id) : null;
  const withheld = result === "withheld";
  return {
    status: 200,
    json: {
      id: a.id,
      status: a.status,
      expiresAt: a.expiresAt,
      result: result && !withheld ? { ...result, grantId: a.grantId } : null,
      error: withheld ? { code: "result_withheld" } : a.errorCode ? { code: a.errorCode } : null,
    } satisfies ApprovalAnswer,
  };
}

export const approvalRoutes: RouteDef[] = [{ method: "GET", path: "/v1/approvals/:id", auth: "signed", scope: "call", handler: show }];
