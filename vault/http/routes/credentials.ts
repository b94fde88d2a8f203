// POST /v1/credentials/retrieve: the sealed credential for one provider call (retrieve mode).
import type { RetrieveAnswer } from "../../../protocol/wire.js";
import { VaultError } from "../../errors.js";
import type { RouteContext, RouteDef, RouteResult } from "../context.js";
import { auditContext, auditFromContext, bodyObject, obj, str, type AuditContext } from "../request-fields.js";
import { checkUsable, findGrant, parseGrantRef } from "../../grants/resolve.js";
import { credentialFor, injectionFor } from "../../grants/credential.js";
import { effectiveProvider, isProviderSlug } from "../../grants/provider-config.js";
import { touchGrant } from "../../storage/grants.js";
import type { GrantRecord } from "../../grants/types.js";
import { checkTargetAsWritten } from "../../proxy/target-url.js";

async function retrieve(ctx: RouteContext): Promise<RouteResult> {
  const started = performance.now();
  const body = bodyObject(ctx.body);
  let context: AuditContext = {};
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
    grant = findGrant(ctx, ref, provider);
    checkUsable(ctx, grant, "retrieve");
    const config = effectiveProvider(ctx.vault, ctx.app.id, provider);
    if (url !== undefined) {
      // The audit row names this URL: it must be the one the SDK can call (no dot segments).
      checkTargetAsWritten(url, "/request/url");
      checkTargetHost(url, config.hosts);
    }
    const rejected = str(request, "rejectedCredential", "/request/rejectedCredential", false);
    const credential = await credentialFor(ctx, grant, rejected);
    const injection = injectionFor(config.injection, credential);
    const sealed = ctx.sealForCaller(credential);
    const used = grant;
    const now = ctx.now();
    // Last-used is kept to the second, not rewritten per call; it commits with the audit row.
    const touch = used.lastUsedAt === null || now - Date.parse(used.lastUsedAt) >= 1000 ? () => touchGrant(ctx.db, used.id, now) : undefined;
    const auditId = await ctx.audit.commit(
      { ...common(ctx, context, used, provider, method, url, operationId), outcome: "success", status: 200, latencyMs: performance.now() - started },
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

/** A URL the SDK says it will call must be on the provider's hosts, or no credential is sent. */
export function checkTargetHost(url: string, hosts: string[]): void {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    throw new VaultError("invalid_request", "/request/url is not an absolute URL.");
  }
  if (!hosts.includes(host)) {
    throw new VaultError("provider_host_not_allowed", `${host} is not one of the provider's hosts (${hosts.join(", ")}).`, {
      details: { host, hosts },
    });
  }
}

function common(
  ctx: RouteContext,
  context: AuditContext,
  grant: GrantRecord | undefined,
  provider: string | undefined,
  method: string | undefined,
  url: string | undefined,
  operationId: string | undefined,
) {
  return {
    action: "credential.retrieve",
    appId: ctx.app.id,
    keyId: ctx.apiKey?.id ?? null,
    ...auditFromContext(context),
    operationId,
    principalType: grant?.principalType ?? (ctx.user ? "user" : null),
    principalId: grant?.principalId ?? ctx.user?.userId ?? null,
    grantId: grant?.id ?? null,
    provider,
    method,
    url,
    remoteAddress: ctx.remoteAddress,
  };
}

export const credentialRoutes: RouteDef[] = [{ method: "POST", path: "/v1/credentials/retrieve", auth: "signed", scope: "call", handler: retrieve }];
