// Managed secrets: write-only. The sealed value is opened only to serve a grant.
import { randomUUID } from "node:crypto";
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

export function insertSecret(
  db: Db,
  crypto: AtRest,
  s: { appId: string; provider: string; label: string | null; type: SecretType; value: Credential; policyFloor?: GrantPolicy },
  now: number,
): ManagedSecretRecord {
  const id = randomUUID();
  stmt(db, "INSERT INTO managed_secrets (id, app_id, provider, label, type, sealed, policy_floor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
    id,
    s.appId,
    s.provider,
    s.label,
    s.type,
    crypto.sealJson(PURPOSE, id, s.value),
    JSON.stringify(s.policyFloor ?? {}),
    new Date(now).toISOString(),
  );
  return getSecret(db, s.appId, id)!;
}

export function getSecret(db: Db, appId: string, id: string): ManagedSecretRecord | undefined {
  const row = stmt(db, "SELECT * FROM managed_secrets WHERE app_id = ? AND id = ?").get(appId, id) as Row | undefined;
  return row && toRecord(row);
}

export function listSecrets(db: Db, appId: string): ManagedSecretRecord[] {
  return (stmt(db, "SELECT * FROM managed_secrets WHERE app_id = ? ORDER BY created_at, id").all(appId) as Row[]).map(toRecord);
}

/** Replaces the floor; grants over the secret follow it from their next access. */
export function setSecretPolicyFloor(db: Db, appId: string, id: string, floor: GrantPolicy): boolean {
  return stmt(db, "UPDATE managed_secrets SET policy_floor = ? WHERE app_id = ? AND id = ?").run(JSON.stringify(floor), appId, id).changes === 1;
}

export function openSecret(db: Db, crypto: AtRest, id: string): Credential | undefined {
  const row = stmt(db, "SELECT sealed FROM managed_secrets WHERE id = ?").get(id) as { sealed: string } | undefined;
  return row && crypto.openJson<Credential>(PURPOSE, id, row.sealed);
}

/** Shared with the asynchronous repository (store/secrets.ts). */
export { toRecord as secretFromRow, type Row as SecretRow, PURPOSE as MANAGED_SECRET_PURPOSE };
