import type { Migration } from "./types.js";

// Headless sign-in and connect (RFC 8628 device authorization grant). The vault starts the
// device authorization with the IDP or the provider (it holds the client credentials) and polls
// the token endpoint itself; the device_code never leaves the vault and is stored sealed. One
// row per (session, provider): an auth session has one (provider NULL), a connect session one
// per provider. `next_poll_at` (ms since the epoch) is the earliest time the vault may ask the
// token endpoint again: `interval_s` after the last poll, grown by 5 s on each slow_down.
// And a per-app override of a catalog provider's device authorization endpoint (`vault oauth set
// --device-authorization-url`), as for the other OAuth endpoints.
export const m076DeviceFlow: Migration = {
  version: 76,
  name: "device-flow",
  sql: `
CREATE TABLE device_authorizations (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  flow TEXT NOT NULL CHECK (flow IN ('auth', 'connect')),
  session_id TEXT NOT NULL,
  provider TEXT,
  device_code_sealed TEXT,               -- NULL once the authorization ended
  interval_s INTEGER NOT NULL,
  next_poll_at INTEGER NOT NULL,
  polls INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'denied', 'expired', 'failed')),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX device_authorizations_session ON device_authorizations (session_id);
ALTER TABLE oauth_endpoints ADD COLUMN device_authorization_url TEXT;
`,
};
