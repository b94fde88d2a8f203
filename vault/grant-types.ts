// Grant records as stored, the public GrantInfo shape of docs/protocol.md, and the credential and
// injection shapes: one home below policy and storage, which both read them (types only).

export type PrincipalType = "user" | "group" | "system";
export type GrantStatus = "active" | "expired" | "revoked" | "reauth_required";
export type GrantSource = "oauth" | "managed_secret";

export interface GrantPolicy {
  expiresAt?: string;
  maxTtlSeconds?: number;
  timeWindow?: { start: string; end: string; timeZone: string; days?: number[] };
  ipAllowlist?: string[];
  requireApproval?: boolean;
  /** The call must carry the token of a user in one of these IDP groups. */
  groups?: string[];
}

export interface GrantRecord {
  id: string;
  appId: string;
  provider: string;
  account: string | null;
  principalType: PrincipalType;
  /** users.id for a user grant, the IDP group id for a group grant, null for system. */
  principalId: string | null;
  principalLabel: string | null;
  /** The IDP issuer of a user or group principal (null for system, or unknown: unreachable). */
  principalIssuer: string | null;
  scopes: string[];
  status: GrantStatus;
  source: GrantSource;
  managedSecretId: string | null;
  /** Sealed OAuth tokens (purpose "grant-credential", AAD the grant id); null for managed secrets. */
  credentialSealed: string | null;
  credentialExpiresAt: string | null;
  policy: GrantPolicy;
  /** The managed secret's operator-set floor ({} for none, and for OAuth grants), read with the
   *  grant at every access, never copied into it. */
  policyFloor: GrantPolicy;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
}

export interface GrantInfo {
  grantId: string;
  provider: string;
  account: string | null;
  principal: { type: PrincipalType; id: string | null; label: string | null };
  scopes: string[];
  status: GrantStatus;
  source: GrantSource;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  policy: GrantPolicy;
  /** The managed secret's floor, enforced with `policy` (the stricter rule wins, per field). */
  policyFloor: GrantPolicy;
}

/** A credential in clear, only ever in memory for the duration of one request. */
export type Credential =
  | { token: string }
  | { username: string; password: string }
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** A `fields` secret: named strings, each injected in its own place (`multi`). */
  | FieldsCredential;

export type FieldsCredential = Readonly<Record<string, string>>;

/** One field of a `fields` secret and where it goes (docs/protocol.md, `Injection`). */
export interface InjectionPart {
  in: "header" | "query" | "cookie";
  name: string;
  field: string;
  prefix?: string;
}

export type Injection =
  | { type: "bearer" }
  | { type: "header"; name: string; prefix?: string }
  | { type: "query"; name: string }
  | { type: "basic" }
  | { type: "aws-sigv4"; region: string; service: string }
  | { type: "cookie"; name: string }
  | { type: "multi"; parts: InjectionPart[] };
