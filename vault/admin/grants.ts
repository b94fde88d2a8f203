// Operator grant commands: issue (managed secrets), list, revoke.
import { VaultError, VaultUsageError } from "../errors.js";
import { issueSecretGrant, revokeGrantRecord, type PrincipalInput } from "../grants/issue.js";
import type { GrantInfo, GrantPolicy, GrantStatus } from "../grant-types.js";
import { validatePolicy } from "../policy/validate.js";
import { grantInfo } from "../storage/grants.js";
import { grantExpiry } from "../policy/validate.js";
import { checkAgainstFloor } from "../grants/policies.js";
import { loadIdpConfig } from "../identity/idp-config.js";
import { loadOrphanedGrants } from "../identity/orphans.js";
import { auditAdmin, withVault, type AdminOptions } from "./open.js";
import { flagValue, quoted } from "../quote.js";

export interface IssueGrantOptions extends AdminOptions {
  secretId: string;
  /** "system", "user:<IDP subject>" or "group:<IDP group id>". */
  principal: string;
  label?: string;
  account?: string;
  policy?: GrantPolicy;
}

export function parsePrincipal(text: string): { type: "system" | "user" | "group"; value: string | null } {
  if (text === "system") return { type: "system", value: null };
  const m = /^(user|group):(.+)$/.exec(text);
  if (!m) throw new VaultUsageError(`${flagValue("--principal", text)} must be system, user:<subject> or group:<group id>.`);
  return { type: m[1] as "user" | "group", value: m[2]! };
}

export async function issueGrant(opts: IssueGrantOptions): Promise<GrantInfo> {
  const p = parsePrincipal(opts.principal);
  const policy = validatePolicy(opts.policy ?? {}, "policy");
  return withVault(opts, async (s) => {
    let principal: PrincipalInput;
    if (p.type === "system") principal = { type: "system", id: null, label: opts.label ?? null };
    else {
      // A subject or group id is an identity at one IDP: the grant is bound to the current one.
      const idp = await loadIdpConfig(s.store, s.app.id);
      if (!idp) {
        throw new VaultUsageError(`--principal ${p.type}:… names an identity at the app's IDP, and none is set; run \`alter-gen vault idp set --issuer <url>\` first.`);
      }
      if (p.type === "user") {
        // Before the transaction: the users repository writes outside it, and a user record
        // standing alone (the grant refused) is what their first sign-in would make anyway.
        const user = await s.store.users.ensure(s.app.id, idp.issuer, p.value!, s.now());
        principal = { type: "user", id: user.id, label: opts.label ?? p.value };
      } else principal = { type: "group", id: p.value, label: opts.label ?? p.value, issuer: idp.issuer };
    }
    // The grant and its audit row commit together (the row written inside joins the transaction).
    return s.store.sql.transaction(async (tx) => {
      const g = await issueSecretGrant(s, s.app, opts.secretId, principal, policy, { account: opts.account ?? null, timeWindowName: "--time-window" }, tx);
      auditAdmin(s, "grants issue", { grantId: g.id, provider: g.provider, details: { principalType: g.principalType } });
      return grantInfo(g, s.now());
    });
  });
}

/** A grant as operators see it: who the principal belongs to, and whether any token can reach it. */
export interface AdminGrantInfo extends GrantInfo {
  principal: GrantInfo["principal"] & { issuer: string | null };
  /** A user or group grant bound to another issuer than the configured IDP's (see identity/orphans.ts). */
  orphaned: boolean;
}

export async function listGrants(opts: AdminOptions & { provider?: string; status?: GrantStatus; orphaned?: boolean } = {}): Promise<AdminGrantInfo[]> {
  return withVault(opts, async (s) => {
    const current = (await loadIdpConfig(s.store, s.app.id))?.issuer ?? null;
    const rows = opts.orphaned ? await loadOrphanedGrants(s.store, s.app.id, current) : await s.store.grants.listAll(s.app.id);
    return rows
      .filter((g) => !opts.provider || g.provider === opts.provider)
      .map((g) => {
        const info = grantInfo(g, s.now());
        const orphaned = g.principalType !== "system" && g.principalIssuer !== current;
        return { ...info, principal: { ...info.principal, issuer: g.principalIssuer }, orphaned };
      })
      .filter((g) => !opts.status || g.status === opts.status);
  });
}

export async function revokeGrant(opts: AdminOptions & { grantId: string; reason?: string }): Promise<GrantInfo> {
  return withVault(opts, async (s) => {
    try {
      // The row is written inside the revocation's transaction, so the two commit together.
      const g = await revokeGrantRecord(s, s.app, opts.grantId, opts.reason ?? null, (revoked) => auditAdmin(s, "grants revoke", { grantId: revoked.id, provider: revoked.provider }));
      return grantInfo(g, s.now());
    } catch (e) {
      if (e instanceof VaultError && e.code === "grant_not_found") {
        throw new VaultUsageError(`No active grant with id ${quoted(opts.grantId)}; see \`alter-gen vault grants list\`.`);
      }
      throw e;
    }
  });
}

/**
 * Replaces a grant's own policy (any grant: a managed secret's or one a user connected), e.g. to
 * ask approval for its writes. The managed secret's floor still applies; the expiry follows the new
 * policy, counted from the grant's creation.
 */
export async function setGrantPolicy(opts: AdminOptions & { grantId: string; policy: GrantPolicy }): Promise<GrantInfo> {
  const policy = validatePolicy(opts.policy, "policy");
  return withVault(opts, async (s) => {
    const g = await s.store.sql.transaction(async (tx) => {
      const updated = await s.store.grants.updatePolicy(
        s.app.id,
        opts.grantId,
        (current) => {
          checkAgainstFloor(current.policyFloor, policy, s.now(), "--time-window");
          return { policy, expiresAt: grantExpiry(policy, Date.parse(current.createdAt)) };
        },
        tx,
      );
      // The audit row joins this transaction: the change and its row commit together, or neither.
      if (updated) auditAdmin(s, "grants policy", { grantId: updated.id, provider: updated.provider, details: { fields: Object.keys(policy) } });
      return updated;
    });
    if (!g) throw new VaultUsageError(`No active grant with id ${quoted(opts.grantId)}; see \`alter-gen vault grants list\`.`);
    return grantInfo(g, s.now());
  });
}
