import type { Migration } from "./types.js";

// Identity (the app's IDP, group memberships) and OAuth flows (connect and authenticate sessions,
// per-attempt authorization state, refresh leases, endpoint overrides). Sealed columns are listed
// in vault/crypto/sealed-columns.ts.
export const m050IdentityOAuth: Migration = {
  version: 50,
  name: "identity-oauth",
  sql: `
CREATE TABLE idp_configs (
  app_id TEXT PRIMARY KEY REFERENCES apps(id),
  issuer TEXT NOT NULL,
  audience TEXT,                      -- expected aud; defaults to client_id when NULL
  client_id TEXT,
  client_secret_sealed TEXT,
  groups_claim TEXT NOT NULL DEFAULT 'groups',
  discovery TEXT NOT NULL,            -- JSON subset of the issuer's openid-configuration
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE user_groups (
  user_id TEXT NOT NULL REFERENCES users(id),
  group_id TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  PRIMARY KEY (user_id, group_id)
);

CREATE TABLE oauth_endpoints (
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  authorize_url TEXT,
  token_url TEXT,
  revoke_url TEXT,
  userinfo_url TEXT,
  auth_method TEXT CHECK (auth_method IN ('client_secret_post', 'client_secret_basic')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (app_id, provider)
);

CREATE TABLE connect_sessions (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  key_id TEXT,
  page_token_hash TEXT NOT NULL,      -- sha-256 of the state in connectUrl
  providers TEXT NOT NULL,            -- JSON string[]
  scopes TEXT NOT NULL DEFAULT '{}',  -- JSON { provider: string[] }
  principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'system')),
  user_id TEXT REFERENCES users(id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'denied', 'expired', 'failed')),
  grant_ids TEXT NOT NULL DEFAULT '{}', -- JSON { provider: grantId }
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  completed_at TEXT
);

CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,        -- sha-256 of the state parameter sent to the provider
  id TEXT NOT NULL UNIQUE,            -- record id (AAD of the sealed verifier)
  kind TEXT NOT NULL CHECK (kind IN ('connect', 'auth')),
  session_id TEXT NOT NULL,
  provider TEXT,
  verifier_sealed TEXT NOT NULL,      -- PKCE code_verifier
  nonce TEXT,
  redirect_uri TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  key_id TEXT,
  page_token_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'expired')),
  id_token_sealed TEXT,               -- until delivered once
  delivered_at TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  completed_at TEXT
);

CREATE TABLE refresh_leases (
  grant_id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL         -- epoch ms
);
`,
};
