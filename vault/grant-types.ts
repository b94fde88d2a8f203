// Grant records as stored. The wire shapes (GrantInfo, GrantPolicy, Injection) are the
// protocol's (protocol/wire.ts), written once for the vault and the SDK.
import type { GrantInfo as WireGrantInfo, GrantPolicy, GrantSource, GrantStatus, PrincipalType } from "../protocol/wire.js";
export type { GrantPolicy, GrantSource, GrantStatus, Injection, PrincipalType } from "../protocol/wire.js";

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

/** The wire GrantInfo; this vault always sends the policy floor. */
export interface GrantInfo extends WireGrantInfo {
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
export type { InjectionPart } from "../protocol/wire.js";
