// POST /v1/credentials/retrieve: the sealed credential for one provider call (retrieve mode).
import type { RetrieveAnswer } from "../../../protocol/wire.js";
import { VaultError } from "../../errors.js";
import type { SignedContext, RouteDef, RouteResult } from "../context.js";
import { auditContext, bodyObject, obj, str } from "../request-fields.js";
import { parseGrantRef } from "../../grants/resolve.js";
import { authorizeCall } from "../../grants/authorize.js";
import { callAuditColumns, type CallContext } from "../../audit/call-context.js";
import { credentialFor, injectionFor } from "../../grants/credential.js";
import { effectiveProvider, isProviderSlug } from "../../grants/provider-config.js";
import type { GrantRecord } from "../../grant-types.js";
import type { SqlRunner } from "../../storage/sql/driver.js";
import { checkTargetAsWritten, onProviderHosts } from "../../proxy/target-url.js";
import { parseReportedHops } from "../../audit/redirects.js";

async function retrieve(ctx: SignedContext): Promise<RouteResult> {
  const started = performance.now();
  const body = bodyObject(ctx.body);
  let context: CallContext = {};
  let provider: string | undefined;
  let method: string | undefined;
  let url: string | undefined;
  let operationId: string | undefined;
  let grant: GrantRecord | undefined;
  try {
    context = auditContext(body.context);
    provider = str(body, "provider", "/provider")!;
    if (!isProviderSlug(provider)) throw new VaultError("invalid_request", "/provider must be a provider slug such as github.");
    const request = obj(body, "request", "/request", false) ?? {};
    method = str(request, "method", "/request/method", false);
    url = str(request, "url", "/request/url", false);
    operationId = str(request, "operationId", "/request/operationId", false) ?? context.operationId;
    const ref = parseGrantRef(body.grant);
    ({ grant } = await authorizeCall(ctx, ctx.caller, ref, provider, "retrieve", (g) => (grant = g)));
    const config = await effectiveProvider(ctx.vault, ctx.app.id, provider, ctx.records);
    if (url !== undefined) {
      // The audit row names this URL: it must be the one the SDK can call (no dot segments).
      checkTargetAsWritten(url, "/request/url");
      onProviderHosts(url, config.hosts);
    }
    // A retrieval for a redirect's hop names the hops that led to it; the host check above is
    // the same as for the first request, made again for this one.
    const hops = parseReportedHops(request.redirects);
    const rejected = str(request, "rejectedCredential", "/request/rejectedCredential", false);
    const credential = await credentialFor(ctx, grant, rejected);
    const injection = injectionFor(config.injection, credential);
    const sealed = ctx.sealForCaller(credential);
    const used = grant;
    const now = ctx.now();
    // Last-used is kept to the second, not rewritten per call; it commits with the audit row.
    const touch = used.lastUsedAt === null || now - Date.parse(used.lastUsedAt) >= 1000 ? (tx: SqlRunner) => ctx.store.grants.touch(used.id, now, tx) : undefined;
    const auditId = await ctx.audit.commit(
      {
        ...common(ctx, context, used, provider, method, url, operationId),
        outcome: "success",
        status: 200,
        latencyMs: performance.now() - started,
        ...(hops ? { details: { redirects: hops } } : {}),
      },
      touch,
    );
    return {
      status: 200,
      json: {
        grantId: grant.id,
        provider,
        account: grant.account,
        credential: sealed,
        injection,
        hosts: config.hosts,
        expiresAt: grant.credentialExpiresAt ?? grant.expiresAt,
        auditId,
      } satisfies RetrieveAnswer,
    };
  } catch (e) {
    if (e instanceof VaultError) {
      // The denial is audited too; if even that fails the request fails with internal_error.
      ctx.audit.write({
        ...common(ctx, context, grant, provider, method, url, operationId),
        outcome: e.status >= 500 ? "error" : "denied",
        status: e.status,
        errorCode: e.code,
        latencyMs: performance.now() - started,
      });
    }
    throw e;
  }
}

function common(
  ctx: SignedContext,
  context: CallContext,
  grant: GrantRecord | undefined,
  provider: string | undefined,
  method: string | undefined,
  url: string | undefined,
  operationId: string | undefined,
) {
  return {
    action: "credential.retrieve",
    ...callAuditColumns({ appId: ctx.app.id, keyId: ctx.caller.keyId, remoteAddress: ctx.caller.remoteAddress, context, operationId }),
    principalType: grant?.principalType ?? (ctx.caller.user ? "user" : null),
    principalId: grant?.principalId ?? ctx.caller.user?.userId ?? null,
    grantId: grant?.id ?? null,
    provider,
    method,
    url,
  };
}

/**
 * POST /v1/credentials/hops: the SDK reports the redirects it followed in retrieve mode to a host
 * off the grant's hosts, where no credential went and so no retrieval was asked for (GitHub's
 * archive 302 to codeload). Authorized as a retrieval of that grant; releases nothing; audited as
 * `redirect.followed` with the hops (hosts and statuses only) and the URL they started from.
 */
async function reportHops(ctx: SignedContext): Promise<RouteResult> {
  const body = bodyObject(ctx.body);
  const context = auditContext(body.context);
  const provider = str(body, "provider", "/provider")!;
  if (!isProviderSlug(provider)) throw new VaultError("invalid_request", "/provider must be a provider slug such as github.");
  const request = obj(body, "request", "/request")!;
  const method = str(request, "method", "/request/method", false);
  const url = str(request, "url", "/request/url")!;
  const operationId = str(request, "operationId", "/request/operationId", false) ?? context.operationId;
  const hops = parseReportedHops(request.redirects);
  if (!hops?.length) throw new VaultError("invalid_request", "/request/redirects must name at least one hop.");
  const { grant } = await authorizeCall(ctx, ctx.caller, parseGrantRef(body.grant), provider, "retrieve");
  checkTargetAsWritten(url, "/request/url");
  onProviderHosts(url, (await effectiveProvider(ctx.vault, ctx.app.id, provider, ctx.records)).hosts);
  const auditId = await ctx.audit.commit({ ...common(ctx, context, grant, provider, method, url, operationId), action: "redirect.followed", outcome: "success", status: 200, details: { redirects: hops } });
  return { status: 200, json: { auditId } };
}

export const credentialRoutes: RouteDef[] = [
  { method: "POST", path: "/v1/credentials/retrieve", auth: "signed", scope: "call", handler: retrieve },
  { method: "POST", path: "/v1/credentials/hops", auth: "signed", scope: "call", handler: reportHops },
];
