// API key lifecycle: create (shown once), list, deprecate (with a sunset date), revoke.
import { createPublicKey } from "node:crypto";
import { generateApiKey } from "../../protocol/keys.js";
import { VaultUsageError } from "../errors.js";
import type { ApiKeyRecord } from "../storage/api-keys.js";
import { DEFAULT_SCOPES, isKeyKind, KEY_KINDS, parseScopes, type KeyKind, type KeyScope } from "../keys/scopes.js";
import { auditAdmin, withVault, type AdminOptions } from "./open.js";
import { flagValue } from "../quote.js";

export interface CreateApiKeyOptions extends AdminOptions {
  label?: string;
  /** An Ed25519 public key (PEM): the key then signs requests with `alg="ed25519"` only, never HMAC. */
  ed25519PublicKeyPem?: string;
  /** `service` (default) or `agent`; picks the default scopes. */
  kind?: KeyKind;
  /** What the key may do; default: every scope for a service key, `call` for an agent key. */
  scopes?: string | readonly string[];
}

export async function createApiKey(opts: CreateApiKeyOptions = {}): Promise<{ keyId: string; apiKey: string; kind: KeyKind; scopes: KeyScope[] }> {
  const kind = opts.kind ?? "service";
  if (!isKeyKind(kind)) throw new VaultUsageError(`${flagValue("--kind", String(kind))} must be ${KEY_KINDS.join(" or ")}.`);
  const scopes = opts.scopes === undefined ? [...DEFAULT_SCOPES[kind]] : parseScopes(opts.scopes, "--scopes");
  let x: string | null = null;
  if (opts.ed25519PublicKeyPem !== undefined) {
    try {
      const jwk = createPublicKey(opts.ed25519PublicKeyPem).export({ format: "jwk" });
      if (jwk.crv !== "Ed25519" || typeof jwk.x !== "string") throw new Error();
      x = jwk.x;
    } catch {
      throw new VaultUsageError("The Ed25519 public key is not a PEM-encoded Ed25519 public key.");
    }
  }
  return withVault(opts, async (s) => {
    const g = generateApiKey();
    await s.store.sql.transaction(async (tx) => {
      await s.store.apiKeys.insert({ id: g.keyId, appId: s.app.id, label: opts.label ?? null, derived: g.keys, kind, scopes, ed25519PublicKey: x }, s.now(), tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "keys create", { details: { keyId: g.keyId, kind, scopes } });
    });
    return { keyId: g.keyId, apiKey: g.apiKey, kind, scopes };
  });
}

export async function listApiKeys(opts: AdminOptions = {}): Promise<ApiKeyRecord[]> {
  return withVault(opts, (s) => s.store.apiKeys.list(s.app.id));
}

/** Replaces a key's scopes; takes effect on its next request. */
export async function setApiKeyScopesOf(opts: AdminOptions & { keyId: string; scopes: string | readonly string[] }): Promise<ApiKeyRecord> {
  const scopes = parseScopes(opts.scopes, "--scopes");
  return withVault(opts, async (s) => {
    const k = await s.store.apiKeys.get(opts.keyId);
    if (!k || k.appId !== s.app.id) throw new VaultUsageError(`No API key with id ${opts.keyId}; see \`alter-gen vault keys list\`.`);
    await s.store.sql.transaction(async (tx) => {
      await s.store.apiKeys.setScopes(opts.keyId, scopes, tx);
      auditAdmin(s, "keys scopes", { details: { keyId: opts.keyId, from: k.scopes, to: scopes } });
    });
    return (await s.store.apiKeys.get(opts.keyId))!;
  });
}

export async function revokeApiKey(opts: AdminOptions & { keyId: string }): Promise<ApiKeyRecord> {
  return withVault(opts, async (s) => {
    if (!(await s.store.apiKeys.get(opts.keyId))) throw new VaultUsageError(`No API key with id ${opts.keyId}; see \`alter-gen vault keys list\`.`);
    await s.store.sql.transaction(async (tx) => {
      if (!(await s.store.apiKeys.revoke(opts.keyId, s.now(), tx))) throw new VaultUsageError(`API key ${opts.keyId} is already revoked.`);
      auditAdmin(s, "keys revoke", { details: { keyId: opts.keyId } });
    });
    return (await s.store.apiKeys.get(opts.keyId))!;
  });
}

export async function deprecateApiKey(opts: AdminOptions & { keyId: string; sunsetAt?: string }): Promise<ApiKeyRecord> {
  return withVault(opts, async (s) => {
    const sunset = opts.sunsetAt ?? new Date(s.now() + 30 * 86_400_000).toISOString();
    if (Number.isNaN(Date.parse(sunset))) throw new VaultUsageError(`${flagValue("--sunset", String(opts.sunsetAt))} is not an ISO date.`);
    if (!(await s.store.apiKeys.get(opts.keyId))) throw new VaultUsageError(`No API key with id ${opts.keyId}; see \`alter-gen vault keys list\`.`);
    await s.store.sql.transaction(async (tx) => {
      if (!(await s.store.apiKeys.deprecate(opts.keyId, new Date(sunset).toISOString(), s.now(), tx))) {
        throw new VaultUsageError(`API key ${opts.keyId} is not active (only active keys can be deprecated).`);
      }
      auditAdmin(s, "keys deprecate", { details: { keyId: opts.keyId, sunsetAt: sunset } });
    });
    return (await s.store.apiKeys.get(opts.keyId))!;
  });
}
