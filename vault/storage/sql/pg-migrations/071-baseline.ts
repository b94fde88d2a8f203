import type { PgMigration } from "./types.js";

// The SQLite schema at migration 071, column for column: timestamps stay ISO TEXT (compared as
// text by both engines, moved by export/import unchanged), epoch milliseconds are BIGINT, REAL is
// DOUBLE PRECISION, JSON stays TEXT (the stored text is what the audit chain and the sealed
// records' callers read). One difference: audit rows carry a `chain` (one chain per vault
// instance, docs/architecture.md "Audit log"), so seq is unique per chain, not per table.
export const pg071Baseline: PgMigration = {
  version: 71,
  name: "baseline",
  sql: `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS apps (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  label TEXT,
  state TEXT NOT NULL CHECK (state IN ('active', 'deprecated', 'revoked')),
  derived_keys_sealed TEXT NOT NULL,
  ed25519_public_key TEXT,
  created_at TEXT NOT NULL,
  deprecated_at TEXT,
  sunset_at TEXT,
  revoked_at TEXT,
  last_used_at TEXT,
  kind TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('service', 'agent')),
  scopes TEXT NOT NULL DEFAULT '["call","provision","manage"]'
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  issuer TEXT,
  subject TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT,
  removed_at TEXT,
  UNIQUE (app_id, issuer, subject)
);
CREATE TABLE IF NOT EXISTS user_groups (
  user_id TEXT NOT NULL REFERENCES users(id),
  group_id TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  PRIMARY KEY (user_id, group_id)
);
CREATE TABLE IF NOT EXISTS managed_secrets (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  label TEXT,
  type TEXT NOT NULL CHECK (type IN ('token', 'basic', 'aws', 'fields')),
  sealed TEXT NOT NULL,
  created_at TEXT NOT NULL,
  policy_floor TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS grants (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  account TEXT,
  principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'group', 'system')),
  principal_id TEXT,
  principal_label TEXT,
  scopes TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('active', 'expired', 'revoked', 'reauth_required')),
  source TEXT NOT NULL CHECK (source IN ('oauth', 'managed_secret')),
  managed_secret_id TEXT REFERENCES managed_secrets(id),
  credential_sealed TEXT,
  credential_expires_at TEXT,
  policy TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  expires_at TEXT,
  last_used_at TEXT,
  revoked_at TEXT,
  revoke_reason TEXT,
  principal_issuer TEXT
);
CREATE INDEX IF NOT EXISTS grants_by_principal ON grants (app_id, provider, principal_type, principal_id);
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  grant_id TEXT NOT NULL REFERENCES grants(id),
  key_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'executing', 'executed', 'failed')),
  provider TEXT NOT NULL,
  operation_id TEXT,
  method TEXT NOT NULL,
  url_redacted TEXT NOT NULL,
  request_sealed TEXT NOT NULL,
  context TEXT NOT NULL DEFAULT '{}',
  remote_address TEXT,
  page_token_hash TEXT NOT NULL,
  csrf_token_hash TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  decided_at TEXT,
  decided_by TEXT,
  result_sealed TEXT,
  error_code TEXT,
  page_token_sealed TEXT,
  requester_user_id TEXT,
  requester_subject TEXT,
  requester_groups TEXT,
  asked_by TEXT NOT NULL DEFAULT '["grant"]',
  approved_hash TEXT
);
CREATE INDEX IF NOT EXISTS approvals_by_status ON approvals (app_id, status);
CREATE TABLE IF NOT EXISTS providers (
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  client_id TEXT,
  client_secret_sealed TEXT,
  base_url TEXT,
  hosts TEXT,
  injection TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (app_id, provider)
);
CREATE TABLE IF NOT EXISTS oauth_endpoints (
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  authorize_url TEXT,
  token_url TEXT,
  revoke_url TEXT,
  userinfo_url TEXT,
  auth_method TEXT CHECK (auth_method IN ('client_secret_post', 'client_secret_basic')),
  updated_at TEXT NOT NULL,
  issuer TEXT,
  iss_parameter_supported INTEGER,
  callback TEXT CHECK (callback IN ('per-provider', 'shared')),
  PRIMARY KEY (app_id, provider)
);
CREATE TABLE IF NOT EXISTS idp_configs (
  app_id TEXT PRIMARY KEY REFERENCES apps(id),
  issuer TEXT NOT NULL,
  audience TEXT,
  client_id TEXT,
  client_secret_sealed TEXT,
  groups_claim TEXT NOT NULL DEFAULT 'groups',
  discovery TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  extra_audiences TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS auth_sessions (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  key_id TEXT,
  page_token_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'expired')),
  id_token_sealed TEXT,
  delivered_at TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  completed_at TEXT,
  user_label TEXT
);
CREATE TABLE IF NOT EXISTS connect_sessions (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  key_id TEXT,
  page_token_hash TEXT NOT NULL,
  providers TEXT NOT NULL,
  scopes TEXT NOT NULL DEFAULT '{}',
  principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'system')),
  user_id TEXT REFERENCES users(id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'denied', 'expired', 'failed')),
  grant_ids TEXT NOT NULL DEFAULT '{}',
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  completed_at TEXT,
  provider_outcomes TEXT NOT NULL DEFAULT '{}',
  owner_label TEXT
);
CREATE TABLE IF NOT EXISTS connect_confirmations (
  session_id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  csrf_token_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_states (
  state_hash TEXT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('connect', 'auth')),
  session_id TEXT NOT NULL,
  provider TEXT,
  verifier_sealed TEXT NOT NULL,
  nonce TEXT,
  redirect_uri TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE TABLE IF NOT EXISTS refresh_leases (
  grant_id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  holder_host TEXT,
  holder_pid INTEGER,
  holder_start TEXT,
  retry_at BIGINT,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE TABLE IF NOT EXISTS audit (
  chain TEXT NOT NULL DEFAULT 'main',
  seq BIGINT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  time TEXT NOT NULL,
  app_id TEXT,
  key_id TEXT,
  action TEXT NOT NULL,
  caller TEXT,
  caller_type TEXT,
  principal_type TEXT,
  principal_id TEXT,
  grant_id TEXT,
  provider TEXT,
  operation_id TEXT,
  method TEXT,
  url TEXT,
  reason TEXT,
  run_id TEXT,
  thread_id TEXT,
  tool_call_id TEXT,
  tool_name TEXT,
  sdk_version TEXT,
  remote_address TEXT,
  outcome TEXT NOT NULL,
  status INTEGER,
  latency_ms DOUBLE PRECISION,
  error_code TEXT,
  details TEXT,
  hash TEXT,
  PRIMARY KEY (chain, seq)
);
CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, seq);
CREATE INDEX IF NOT EXISTS audit_by_grant ON audit (grant_id, seq);
CREATE INDEX IF NOT EXISTS audit_by_key ON audit (key_id, seq) WHERE key_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_by_run ON audit (run_id, seq) WHERE run_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_by_time ON audit (time);
-- Append-only for everyone, the owner included (only the owner can disable the triggers); the
-- runtime role holds no UPDATE, DELETE or TRUNCATE privilege on the table either.
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE OR REPLACE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
`,
};
