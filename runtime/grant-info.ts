// A grant as the vault describes it (GET /v1/grants, connect session results), and its policy.
// Types only, importing nothing, so any runtime module can name them.

export interface GrantPolicy {
  expiresAt?: string;
  maxTtlSeconds?: number;
  timeWindow?: { start: string; end: string; timeZone: string; days?: number[] };
  ipAllowlist?: string[];
  requireApproval?: boolean;
  /** The call must carry the token of a user in one of these IDP groups. */
  groups?: string[];
}

export interface GrantInfo {
  grantId: string;
  provider: string;
  account: string | null;
  principal: { type: "user" | "group" | "system"; id: string | null; label: string | null };
  scopes: string[];
  status: "active" | "expired" | "revoked" | "reauth_required";
  source: "oauth" | "managed_secret";
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  policy: GrantPolicy;
  /** The operator's floor on the managed secret behind the grant, enforced together with `policy`
   *  (the stricter rule wins, per field); `{}` when there is none. Absent from older vaults. */
  policyFloor?: GrantPolicy;
}
