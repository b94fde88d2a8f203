import type { PgMigration } from "./types.js";

// Twin of SQLite's 076: RFC 8628 device authorizations the vault polls (device_code sealed,
// NULL once ended; next_poll_at in epoch milliseconds), and the per-app device endpoint override.
export const pg076DeviceFlow: PgMigration = {
  version: 76,
  name: "device-flow",
  sql: `
CREATE TABLE IF NOT EXISTS device_authorizations (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  flow TEXT NOT NULL CHECK (flow IN ('auth', 'connect')),
  session_id TEXT NOT NULL,
  provider TEXT,
  device_code_sealed TEXT,
  interval_s INTEGER NOT NULL,
  next_poll_at BIGINT NOT NULL,
  polls INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'denied', 'expired', 'failed')),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS device_authorizations_session ON device_authorizations (session_id);
ALTER TABLE oauth_endpoints ADD COLUMN IF NOT EXISTS device_authorization_url TEXT;
`,
};
