// Issues managed-secret grants and revokes grants; used by the HTTP API, the CLI and tests.
import { VaultError, VaultUsageError } from "../errors.js";
import { vaultContext, type VaultState } from "../context.js";
import type { AppRecord } from "../storage/apps.js";
import type { NewGrant } from "../storage/grants.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import type { ManagedSecretRecord } from "../storage/secrets.js";
import { grantExpiry } from "../policy/validate.js";
import { revokeAtProvider } from "../oauth/revoke.js";
import type { GrantPolicy, GrantRecord, PrincipalType } from "../grant-types.js";
import { checkAgainstFloor } from "./policies.js";

export interface PrincipalInput {
  type: PrincipalType;
  /** users.id (user) or the IDP group id (group); null for system. */
  id: string | null;
  label: string | null;
  /** The IDP issuer of a group id (user principals carry theirs in the users row). */
  issuer?: string | null;
}

export interface IssueOptions {
  account?: string | null;
  /** How errors name the time window (a JSON pointer or a CLI flag). */
  timeWindowName?: string;
}

/**
 * Issues a grant on a managed secret, in `tx` when given (the caller's transaction, which then
 * also holds the grant's audit row), else on its own.
 */
export async function issueSecretGrant(
  state: VaultState,
  app: AppRecord,
  secretId: string,
  principal: PrincipalInput,
  policy: GrantPolicy,
  options: IssueOptions = {},
  tx?: SqlRunner,
): Promise<GrantRecord> {
  const secret = await state.store.secrets.get(app.id, secretId, tx);
  const now = state.now();
  return state.store.grants.insert(secretGrant(app, secret, secretId, principal, policy, options, now), now, tx);
}

/** The new grant's row, once the secret exists and the policy stays within its floor. */
function secretGrant(
  app: AppRecord,
  secret: ManagedSecretRecord | undefined,
  secretId: string,
  principal: PrincipalInput,
  policy: GrantPolicy,
  options: IssueOptions,
  now: number,
): NewGrant {
  if (!secret) throw new VaultUsageError(`No managed secret with id ${secretId}; list them with \`alter-gen vault secrets list\`.`);
  // The floor is not copied into the grant: it is read with the grant at every access.
  checkAgainstFloor(secret.policyFloor, policy, now, options.timeWindowName ?? "/policy/timeWindow");
  return {
    appId: app.id,
    provider: secret.provider,
    account: options.account ?? secret.label,
    principalType: principal.type,
    principalId: principal.id,
    principalLabel: principal.label,
    principalIssuer: principal.issuer ?? null,
    scopes: [],
    source: "managed_secret",
    managedSecretId: secret.id,
    policy,
    expiresAt: grantExpiry(policy, now),
  };
}

/**
 * Revokes a grant: the provider's revocation endpoint first (OAuth, where there is one), then
 * the tokens are deleted and the status set, in one transaction with whatever `inTransaction`
 * writes (an audit row written there joins it, so the revocation and its row commit together).
 * Missing or already revoked: grant_not_found.
 */
export async function revokeGrantRecord(
  state: VaultState,
  app: AppRecord,
  grantId: string,
  reason: string | null,
  inTransaction?: (revoked: GrantRecord) => void,
): Promise<GrantRecord> {
  const g = await state.store.grants.get(app.id, grantId);
  if (!g || g.status === "revoked") throw new VaultError("grant_not_found", "No active grant with this id.");
  if (g.source === "oauth") {
    try {
      await revokeAtProvider(vaultContext(state, app), g);
    } catch {
      // The local revocation below must happen whatever the provider says.
    }
  }
  return state.store.sql.transaction(async (tx) => {
    if (!(await state.store.grants.revoke(app.id, grantId, reason, state.now(), tx))) throw new VaultError("grant_not_found", "No active grant with this id.");
    const revoked = (await state.store.grants.get(app.id, grantId, tx))!;
    inTransaction?.(revoked);
    return revoked;
  });
}
