// Grant management over the signed API: list, revoke, issue managed-secret grants.
import type { GrantPage } from "../../../protocol/wire.js";
import { VaultError, VaultUsageError } from "../../errors.js";
import type { SignedContext, RouteDef, RouteResult } from "../context.js";
import { bodyObject, obj, str } from "../request-fields.js";
import { grantInfo } from "../../storage/grants.js";
import { issueSecretGrant, revokeGrantRecord, type PrincipalInput } from "../../grants/issue.js";
import { validatePolicy } from "../../policy/validate.js";
import { verifyUserToken } from "../../identity/verify.js";
import { loadIdpConfig } from "../../identity/idp-config.js";
import type { GrantRecord, GrantStatus } from "../../grant-types.js";

const STATUSES = new Set(["active", "expired", "revoked", "reauth_required"]);

async function list(ctx: SignedContext): Promise<RouteResult> {
  const q = ctx.url.searchParams;
  const provider = q.get("provider") ?? undefined;
  const status = q.get("status") ?? undefined;
  if (status !== undefined && !STATUSES.has(status)) throw new VaultError("invalid_request", "status must be active, expired, revoked or reauth_required.");
  const limitText = q.get("limit");
  const limit = limitText === null ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new VaultError("invalid_request", "limit must be an integer from 1 to 500.");
  const cursor = q.get("cursor");
  let after: { createdAt: string; id: string } | undefined;
  if (cursor) {
    try {
      const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
      if (typeof createdAt !== "string" || typeof id !== "string") throw new Error();
      after = { createdAt, id };
    } catch {
      throw new VaultError("invalid_request", "cursor is not a cursor this vault returned.");
    }
  }
  const now = ctx.now();
  // Status is computed (an active grant past expiry reads "expired"), so filter after reading.
  const out = [];
  let last: { createdAt: string; id: string } | undefined = after;
  let more = false;
  for (;;) {
    const page = await ctx.store.grants.page(ctx.app.id, {
      provider,
      identity: ctx.caller.user ?? undefined,
      after: last,
      limit: limit + 1,
    });
    for (const g of page) {
      if (out.length === limit) {
        more = true;
        break;
      }
      last = { createdAt: g.createdAt, id: g.id };
      const info = grantInfo(g, now);
      if (status === undefined || info.status === (status as GrantStatus)) out.push(info);
    }
    if (more || page.length <= limit) break;
  }
  const nextCursor = more && last ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString("base64url") : null;
  return { status: 200, json: { grants: out, nextCursor } satisfies GrantPage };
}

async function revoke(ctx: SignedContext): Promise<RouteResult> {
  const started = performance.now();
  const grantId = ctx.params.id!;
  const body = ctx.body === undefined ? {} : bodyObject(ctx.body);
  const reason = str(body, "reason", "/reason", false) ?? null;
  const existing = await ctx.store.grants.get(ctx.app.id, grantId);
  const base = {
    action: "grant.revoke",
    appId: ctx.app.id,
    keyId: ctx.caller.keyId,
    grantId,
    provider: existing?.provider,
    principalType: existing?.principalType,
    principalId: existing?.principalId,
    reason,
    remoteAddress: ctx.caller.remoteAddress,
  };
  try {
    // With a user token, anything that is not the user's own grant looks missing.
    if (ctx.caller.user && (!existing || existing.principalType !== "user" || existing.principalId !== ctx.caller.user.userId)) {
      throw new VaultError("grant_not_found", "No active grant with this id.");
    }
    const g = await revokeGrantRecord(ctx.vault, ctx.app, grantId, reason);
    ctx.audit.write({ ...base, outcome: "success", status: 200, latencyMs: performance.now() - started });
    return { status: 200, json: { grant: grantInfo(g, ctx.now()) } };
  } catch (e) {
    if (e instanceof VaultError) ctx.audit.write({ ...base, outcome: "denied", status: e.status, errorCode: e.code });
    throw e;
  }
}

async function issue(ctx: SignedContext): Promise<RouteResult> {
  const body = bodyObject(ctx.body);
  const secretId = str(body, "managedSecretId", "/managedSecretId")!;
  const principal = await principalFor(ctx, obj(body, "principal", "/principal")!);
  let policy;
  try {
    policy = validatePolicy(body.policy, "/policy");
  } catch (e) {
    if (e instanceof VaultUsageError) throw new VaultError("invalid_request", e.message);
    throw e;
  }
  // The grant and its audit row commit together: no grant exists without its row.
  const grant = await ctx.store.sql.transaction(async (tx) => {
    let grant;
    try {
      grant = await issueSecretGrant(ctx.vault, ctx.app, secretId, principal, policy, {}, tx);
    } catch (e) {
      if (e instanceof VaultUsageError) throw new VaultError("invalid_request", "/managedSecretId does not name a managed secret of this app.");
      throw e;
    }
    // On SQLite the row joins this transaction (audit/writer.ts: written from inside it).
    writeIssueAudit(ctx, grant);
    return grant;
  });
  return { status: 201, json: { grant: grantInfo(grant, ctx.now()) } };
}

/**
 * The grant's principal. With Alter-User-Token the request acts for that end user, who may give
 * a grant to themselves only: a user principal resolving to the same user (its userToken may
 * then be left out). Group and system grants, and grants for anyone else, need a request made
 * without a user token.
 */
async function principalFor(ctx: SignedContext, p: Record<string, unknown>): Promise<PrincipalInput> {
  const type = str(p, "type", "/principal/type")!;
  const label = str(p, "label", "/principal/label", false) ?? null;
  if (type !== "user" && type !== "group" && type !== "system") throw new VaultError("invalid_request", '/principal/type must be "user", "group" or "system".');
  if (ctx.caller.user && type !== "user") {
    throw new VaultError(
      "insufficient_scope",
      `With a user token (Alter-User-Token), POST /v1/grants only issues a grant to that user; a ${type} grant needs a request without a user token.`,
      { details: { pointer: "/principal/type" } },
    );
  }
  if (type === "system") return { type: "system", id: null, label };
  if (type === "group") {
    const groupId = str(p, "groupId", "/principal/groupId")!;
    // A group id means something only at its IDP: the grant is bound to the current one.
    const idp = await loadIdpConfig(ctx.store, ctx.app.id);
    if (!idp) throw new VaultError("invalid_request", "/principal/groupId names a group at the app's IDP, and none is set (`alter-gen vault idp set`).");
    return { type: "group", id: groupId, label, issuer: idp.issuer };
  }
  const token = str(p, "userToken", "/principal/userToken", ctx.caller.user === null);
  const user = token === undefined ? ctx.caller.user! : await verifyUserToken(ctx, token);
  if (ctx.caller.user && user.userId !== ctx.caller.user.userId) {
    throw new VaultError(
      "insufficient_scope",
      "With a user token (Alter-User-Token), POST /v1/grants only issues a grant to that same user; /principal/userToken belongs to someone else.",
      { details: { pointer: "/principal/userToken" } },
    );
  }
  return { type: "user", id: user.userId, label: label ?? user.subject };
}

function writeIssueAudit(ctx: SignedContext, grant: GrantRecord): void {
  ctx.audit.write({
    action: "grant.issue",
    outcome: "success",
    status: 201,
    appId: ctx.app.id,
    keyId: ctx.caller.keyId,
    grantId: grant.id,
    provider: grant.provider,
    principalType: grant.principalType,
    principalId: grant.principalId,
    remoteAddress: ctx.caller.remoteAddress,
  });
}

export const grantRoutes: RouteDef[] = [
  { method: "GET", path: "/v1/grants", auth: "signed", scope: "manage", handler: list },
  { method: "POST", path: "/v1/grants", auth: "signed", scope: "provision", handler: issue },
  { method: "POST", path: "/v1/grants/:id/revoke", auth: "signed", scope: "manage", handler: revoke },
];
