// POST /v1/proxy: the vault makes the provider call itself (the token never leaves the vault).
// An approval-gated grant stores the request and answers 403 approval_required.
import type { ProxyAnswer } from "../../../protocol/wire.js";
import { VaultError } from "../../errors.js";
import type { SignedContext, RouteDef, RouteResult } from "../context.js";
import { auditContext, bodyObject, obj, str } from "../request-fields.js";
import { parseGrantRef } from "../../grants/resolve.js";
import { authorizeCall } from "../../grants/authorize.js";
import { callAuditColumns, type CallContext } from "../../audit/call-context.js";
import { effectiveProvider, isProviderSlug } from "../../grants/provider-config.js";
import { checkProxyTarget, parseProxyRequest, type ProxyRequest } from "../../proxy/send.js";
import { withoutCredentialSlot } from "../../proxy/credential-slot.js";
import { proxyThroughGrant } from "../../proxy/call.js";
import { approverToken, createApproval, type ApprovalRecord } from "../../approvals/store.js";
import { approvalNotice, deliverApprovalNotice } from "../../approvals/webhook.js";
import { operationSummary } from "../pages/provider-docs.js";
import { redactUrl } from "../../audit/redact.js";
import type { GrantRecord } from "../../grant-types.js";
import { redirectDetails } from "../../audit/redirects.js";

async function proxy(ctx: SignedContext): Promise<RouteResult> {
  const started = performance.now();
  const body = bodyObject(ctx.body);
  let context: CallContext = {};
  let provider: string | undefined;
  let req: ProxyRequest | undefined;
  let operationId: string | undefined;
  let grant: GrantRecord | undefined;
  const audit = (extra: Parameters<SignedContext["audit"]["write"]>[0]) =>
    ctx.audit.write({
      ...callAuditColumns({ appId: ctx.app.id, keyId: ctx.caller.keyId, remoteAddress: ctx.caller.remoteAddress, context, operationId }),
      principalType: grant?.principalType ?? (ctx.caller.user ? "user" : null),
      principalId: grant?.principalId ?? ctx.caller.user?.userId ?? null,
      grantId: grant?.id ?? null,
      provider,
      method: req?.method,
      url: req?.url,
      latencyMs: performance.now() - started,
      ...extra,
    });
  try {
    context = auditContext(body.context);
    provider = str(body, "provider", "/provider")!;
    if (!isProviderSlug(provider)) throw new VaultError("invalid_request", "/provider must be a provider slug such as github.");
    const request = obj(body, "request", "/request")!;
    operationId = str(request, "operationId", "/request/operationId", false) ?? context.operationId;
    req = parseProxyRequest(request);
    const named = { operationId, method: req.method, url: req.url };
    const authorized = await authorizeCall(ctx, ctx.caller, parseGrantRef(body.grant), provider, "proxy", (g) => (grant = g), named);
    const { requireApproval, approvalBy, approvalReasons } = authorized;
    grant = authorized.grant;
    const config = await effectiveProvider(ctx.vault, ctx.app.id, provider, ctx.records);
    checkProxyTarget(req.url, config);
    // The credential's place belongs to the vault: what is stored, shown and sent holds no caller value there.
    req = withoutCredentialSlot(req, config.injection);

    if (requireApproval) {
      const approval = await createApproval(
        ctx.store,
        ctx.crypto,
        {
          appId: ctx.app.id,
          grantId: grant.id,
          keyId: ctx.caller.keyId,
          provider,
          operationId: operationId ?? null,
          // An approved call runs later, with no caller waiting on a stream: its answer is stored whole.
          request: withoutStream(req),
          urlRedacted: redactUrl(req.url),
          context,
          remoteAddress: ctx.caller.remoteAddress,
          requester: ctx.caller.user ? { userId: ctx.caller.user.userId, subject: ctx.caller.user.subject, groups: ctx.caller.user.groups } : null,
          askedBy: approvalBy,
          askedFor: approvalReasons,
        },
        ctx.now(),
      );
      // A status page only: deciding needs the approver link, which goes to operators
      // (`alter-gen vault approvals link`), never to the caller, who may be the agent asking.
      const approvalUrl = `${ctx.vault.baseUrl}/approvals/${approval.id}`;
      const e = new VaultError("approval_required", "A person must approve this call; it runs once approved.", {
        details: { approvalId: approval.id, approvalUrl, expiresAt: approval.expiresAt, askedFor: approvalReasons },
      });
      audit({ action: "approval.create", outcome: "denied", status: e.status, errorCode: e.code, details: { approvalId: approval.id, askedFor: approvalReasons } });
      notifyApprovers(ctx, approval, grant, approvalReasons);
      return { status: e.status, json: e.toJSON() };
    }

    const res = await proxyThroughGrant(ctx, grant, req);
    // The hops followed (status and host each, never a path or query) go into the row's details.
    const followed = redirectDetails(res);
    const details = res.arriving ? { ...followed, streamed: true } : followed;
    const auditId = audit({ action: "proxy.call", outcome: "success", status: res.status, ...(details ? { details } : {}) });
    const json = { ...res, grantId: grant.id, auditId } satisfies ProxyAnswer;
    // A streamed answer: this JSON is the head, the body follows as it arrives (stream-relay.ts).
    return res.arriving ? { status: 200, json: { ...json, stream: true }, stream: res.arriving } : { status: 200, json };
  } catch (e) {
    if (e instanceof VaultError) {
      audit({ action: "proxy.call", outcome: e.status >= 500 ? "error" : "denied", status: e.status, errorCode: e.code });
    }
    throw e;
  }
}

function withoutStream(req: ProxyRequest): ProxyRequest {
  if (!req.stream) return req;
  const { stream: _stream, ...rest } = req;
  return rest;
}

/** Tells the app's approval webhook (if any) after this answer has left; its outcome is audited there. */
function notifyApprovers(ctx: SignedContext, approval: ApprovalRecord, grant: GrantRecord, askedFor: string[]): void {
  const provider = ctx.vault.catalogProvider(approval.provider);
  const operationId = approval.operationId ?? approval.context.operationId ?? null;
  const nowMs = ctx.now();
  const state = ctx.vault;
  const appId = ctx.app.id;
  const send = async () => {
    const token = await approverToken(ctx.store, ctx.crypto, approval.id);
    if (!token) return;
    const notice = approvalNotice(
      approval,
      grant,
      {
        approverUrl: `${ctx.vault.baseUrl}/approvals/${approval.id}?token=${token}`,
        providerName: provider?.name ?? approval.provider,
        operationSummary: provider && operationId ? operationSummary(provider, operationId) : null,
        askedFor,
      },
      nowMs,
    );
    await deliverApprovalNotice(state, appId, notice);
  };
  setImmediate(() => void send().catch(() => {}));
}

export const proxyRoutes: RouteDef[] = [{ method: "POST", path: "/v1/proxy", auth: "signed", scope: "call", handler: proxy }];
