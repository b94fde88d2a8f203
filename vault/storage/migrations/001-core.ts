import type { Migration } from "./types.js";

// Sealed columns hold AES-256-GCM envelopes under the master key (see vault/crypto/at-rest.ts);
// nothing secret is ever stored in clear.
export const m001Core: Migration = {
  version: 1,
  name: "core",
  sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,                -- the public key id of alter_sk_<id>_<secret>
  app_id TEXT NOT NULL REFERENCES apps(id),
  label TEXT,
  state TEXT NOT NULL CHECK (state IN ('active', 'deprecated', 'revoked')),
  derived_keys_sealed TEXT NOT NULL,  -- HKDF-derived keys, never the secret
  ed25519_public_key TEXT,
  created_at TEXT NOT NULL,
  deprecated_at TEXT,
  sunset_at TEXT,
  revoked_at TEXT,
  last_used_at TEXT
);

CREATE TABLE providers (
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  client_id TEXT,
  client_secret_sealed TEXT,
  base_url TEXT,
  hosts TEXT,                         -- JSON array of URL.host values, overrides the catalog
  injection TEXT,                     -- JSON Injection, overrides the catalog
  updated_at TEXT NOT NULL,
  PRIMARY KEY (app_id, provider)
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  subject TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT,
  removed_at TEXT,
  UNIQUE (app_id, subject)
);

CREATE TABLE managed_secrets (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  label TEXT,
  type TEXT NOT NULL CHECK (type IN ('token', 'basic', 'aws')),
  sealed TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  account TEXT,
  principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'group', 'system')),
  principal_id TEXT,                  -- users.id for user, the IDP group id for group, NULL for system
  principal_label TEXT,
  scopes TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('active', 'expired', 'revoked', 'reauth_required')),
  source TEXT NOT NULL CHECK (source IN ('oauth', 'managed_secret')),
  managed_secret_id TEXT REFERENCES managed_secrets(id),
  credential_sealed TEXT,             -- OAuth tokens (JSON), sealed with the grant id as AAD
  credential_expires_at TEXT,         -- access token expiry (OAuth)
  policy TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  expires_at TEXT,
  last_used_at TEXT,
  revoked_at TEXT,
  revoke_reason TEXT
);
CREATE INDEX grants_by_principal ON grants (app_id, provider, principal_type, principal_id);
`,
};
