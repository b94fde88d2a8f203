// API keys: only the HKDF-derived keys are stored, sealed under the master key.
import { inspect } from "node:util";
import { stmt, type Db } from "./db.js";
import type { AtRest } from "../crypto/at-rest.js";
import { isKeyScope, type KeyKind, type KeyScope } from "../keys/scopes.js";

export type ApiKeyState = "active" | "deprecated" | "revoked";

export interface DerivedKeys {
  requestSigning: Uint8Array;
  responseSigning: Uint8Array;
  credentialSealing: Uint8Array;
}

export interface ApiKeyRecord {
  id: string;
  appId: string;
  label: string | null;
  state: ApiKeyState;
  /** service or agent; chose the default scopes at creation. */
  kind: KeyKind;
  /** What the key may do (vault/keys/scopes.ts). */
  scopes: KeyScope[];
  ed25519PublicKey: string | null;
  createdAt: string;
  deprecatedAt: string | null;
  /** For deprecated keys: the ISO date after which the key stops working. */
  sunsetAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface Row {
  id: string;
  app_id: string;
  label: string | null;
  state: ApiKeyState;
  derived_keys_sealed: string;
  kind: KeyKind;
  scopes: string;
  ed25519_public_key: string | null;
  created_at: string;
  deprecated_at: string | null;
  sunset_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const PURPOSE = "api-key";

function toRecord(r: Row): ApiKeyRecord {
  return {
    id: r.id,
    appId: r.app_id,
    label: r.label,
    state: r.state,
    kind: r.kind,
    // Anything unreadable grants nothing (fail closed).
    scopes: parseStoredScopes(r.scopes),
    ed25519PublicKey: r.ed25519_public_key,
    createdAt: r.created_at,
    deprecatedAt: r.deprecated_at,
    sunsetAt: r.sunset_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

function parseStoredScopes(text: string): KeyScope[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter(isKeyScope) : [];
  } catch {
    return [];
  }
}

export interface NewApiKey {
  id: string;
  appId: string;
  label: string | null;
  derived: DerivedKeys;
  kind: KeyKind;
  scopes: readonly KeyScope[];
  ed25519PublicKey?: string | null;
}

/** The stored form of a key's derived keys (sealed under the master key, the key id as AAD). */
export function sealDerivedKeys(crypto: AtRest, id: string, derived: DerivedKeys): string {
  return crypto.sealJson(PURPOSE, id, {
    requestSigning: Buffer.from(derived.requestSigning).toString("base64url"),
    responseSigning: Buffer.from(derived.responseSigning).toString("base64url"),
    credentialSealing: Buffer.from(derived.credentialSealing).toString("base64url"),
  });
}

export function getApiKey(db: Db, id: string): ApiKeyRecord | undefined {
  const row = stmt(db, "SELECT * FROM api_keys WHERE id = ?").get(id) as Row | undefined;
  return row && toRecord(row);
}

export function listApiKeys(db: Db, appId: string): ApiKeyRecord[] {
  return (stmt(db, "SELECT * FROM api_keys WHERE app_id = ? ORDER BY created_at, id").all(appId) as Row[]).map(toRecord);
}

export function openDerivedKeys(db: Db, crypto: AtRest, id: string): DerivedKeys | undefined {
  const row = stmt(db, "SELECT derived_keys_sealed FROM api_keys WHERE id = ?").get(id) as
    | { derived_keys_sealed: string }
    | undefined;
  return row && openSealedDerivedKeys(crypto, id, row.derived_keys_sealed);
}

/** Opens what sealDerivedKeys stored. */
export function openSealedDerivedKeys(crypto: AtRest, id: string, sealed: string): DerivedKeys {
  const k = crypto.openJson<Record<keyof DerivedKeys, string>>(PURPOSE, id, sealed);
  // Non-enumerable with a redacting toJSON/inspect, so logging a context never prints key bytes.
  const keys = {};
  Object.defineProperties(keys, {
    requestSigning: { value: Buffer.from(k.requestSigning, "base64url") },
    responseSigning: { value: Buffer.from(k.responseSigning, "base64url") },
    credentialSealing: { value: Buffer.from(k.credentialSealing, "base64url") },
    toJSON: { value: () => "[derived keys]" },
    [inspect.custom]: { value: () => "[derived keys]" },
  });
  return Object.freeze(keys as DerivedKeys);
}

/** How often a key's last use is written: at most once a minute, so a busy key costs no write per request. */
export const KEY_LAST_USE_INTERVAL_MS = 60_000;

/** Records that the key signed a request now, unless it was recorded less than a minute ago
 *  (decided in the UPDATE itself, so concurrent requests write once). */
export function touchApiKey(db: Db, id: string, now: number): boolean {
  const at = new Date(now).toISOString();
  const before = new Date(now - KEY_LAST_USE_INTERVAL_MS).toISOString();
  return stmt(db, "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)").run(at, id, before).changes === 1;
}

/** Row mapping shared with the asynchronous repository (store/api-keys.ts). */
export { toRecord as apiKeyFromRow, type Row as ApiKeyRow };
