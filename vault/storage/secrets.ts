// Managed secrets: write-only. The sealed value is opened only to serve a grant.
import { stmt, type Db } from "./db.js";
import type { AtRest } from "../crypto/at-rest.js";
import type { Credential, GrantPolicy } from "../grant-types.js";

export type SecretType = "token" | "basic" | "aws" | "fields";

export interface ManagedSecretRecord {
  id: string;
  appId: string;
  provider: string;
  label: string | null;
  type: SecretType;
  /** The operator's policy floor: every grant over this secret is held to it (vault/policy/evaluate.ts). */
  policyFloor: GrantPolicy;
  createdAt: string;
}

interface Row {
  id: string;
  app_id: string;
  provider: string;
  label: string | null;
  type: SecretType;
  sealed: string;
  policy_floor: string;
  created_at: string;
}

const PURPOSE = "managed-secret";

const toRecord = (r: Row): ManagedSecretRecord => ({
  id: r.id,
  appId: r.app_id,
  provider: r.provider,
  label: r.label,
  type: r.type,
  policyFloor: JSON.parse(r.policy_floor) as GrantPolicy,
  createdAt: r.created_at,
});

export function getSecret(db: Db, appId: string, id: string): ManagedSecretRecord | undefined {
  const row = stmt(db, "SELECT * FROM managed_secrets WHERE app_id = ? AND id = ?").get(appId, id) as Row | undefined;
  return row && toRecord(row);
}

export function openSecret(db: Db, crypto: AtRest, id: string): Credential | undefined {
  const row = stmt(db, "SELECT sealed FROM managed_secrets WHERE id = ?").get(id) as { sealed: string } | undefined;
  return row && crypto.openJson<Credential>(PURPOSE, id, row.sealed);
}

/** Shared with the asynchronous repository (store/secrets.ts). */
export { toRecord as secretFromRow, type Row as SecretRow, PURPOSE as MANAGED_SECRET_PURPOSE };
