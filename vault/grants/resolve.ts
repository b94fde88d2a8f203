// Finds the grant a call names (by id, or by the verified user's identity). Whether it may be
// used now is authorize.ts's question.
import { VaultError } from "../errors.js";
import type { VaultContext, VerifiedUser } from "../context.js";
import { effectiveStatus } from "../storage/grants.js";
import type { GrantRecord } from "../grant-types.js";

export type GrantRefInput = { grantId: string } | { provider: string; account?: string };

export function parseGrantRef(v: unknown): GrantRefInput {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.grantId === "string" && o.grantId !== "") return { grantId: o.grantId };
    if (typeof o.provider === "string" && o.provider !== "") {
      if (o.account !== undefined && typeof o.account !== "string") throw new VaultError("invalid_request", "grant.account must be a string.");
      return o.account === undefined ? { provider: o.provider } : { provider: o.provider, account: o.account };
    }
  }
  throw new VaultError("invalid_request", "grant must be { grantId } or { provider, account? }.");
}

/** The grant to use, or a VaultError with the code the SDK maps to the caller's next move.
 *  `user`: the verified end user the call acts for (null: none), who sees only their grants. */
export async function findGrant(ctx: VaultContext, user: VerifiedUser | null, ref: GrantRefInput, provider: string): Promise<GrantRecord> {
  if ("grantId" in ref) {
    const g = await (ctx.records ?? ctx.store.records.direct()).grant(ctx.app.id, ref.grantId);
    if (!g) throw new VaultError("grant_not_found", "No grant with this id exists for this app.");
    // A caller acting for a signed-in user cannot borrow another user's (or another group's)
    // grant by id: to them it does not exist. System grants stay addressable by id.
    if (user && !visibleTo(g, user)) {
      throw new VaultError("grant_not_found", "No grant with this id exists for this user.");
    }
    if (g.provider !== provider) {
      throw new VaultError("invalid_request", `Grant ${g.id} is a ${g.provider} grant, not a ${provider} grant.`);
    }
    return g;
  }
  if (!user) {
    throw new VaultError("user_token_invalid", "An identity-based grant reference needs the end user's token (Alter-User-Token).");
  }
  if (ref.provider !== provider) throw new VaultError("invalid_request", `grant.provider "${ref.provider}" differs from provider "${provider}".`);
  let candidates = await (ctx.records ?? ctx.store.records.direct()).grantsForIdentity(ctx.app.id, provider, user);
  if (ref.account !== undefined) candidates = candidates.filter((g) => g.account === ref.account);
  if (candidates.length === 0) {
    throw new VaultError("grant_not_found", `This user has no ${provider} grant${ref.account !== undefined ? ` for account "${ref.account}"` : ""}; connect first.`);
  }
  const now = ctx.now();
  const usable = candidates.filter((g) => effectiveStatus(g, now) === "active");
  if (usable.length > 1) {
    const accounts = [...new Set(usable.map((g) => g.account ?? g.id))];
    throw new VaultError("ambiguous_grant", `This user has ${usable.length} ${provider} grants; pass the account to choose one.`, {
      details: { accounts },
    });
  }
  // With nothing usable, report the newest grant's status so the caller knows to reconnect.
  return usable[0] ?? candidates[candidates.length - 1]!;
}

// A group id names a group only at its issuer: "eng" at another IDP is another group.
function visibleTo(g: GrantRecord, user: VerifiedUser): boolean {
  if (g.principalType === "user") return g.principalId === user.userId;
  if (g.principalType === "group") return g.principalId !== null && g.principalIssuer === user.issuer && user.groups.includes(g.principalId);
  return true;
}
