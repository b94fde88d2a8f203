import type { Migration } from "./types.js";

// OAuth mix-up defence (RFC 9700 §4.4, RFC 9207). Each provider gets its own connect callback
// (/connect/callback/<provider>); a provider whose OAuth client was set up before this
// migration keeps the shared /connect/callback its registration names (`callback = 'shared'`)
// until the operator registers the new one and switches (`vault oauth set <p> --callback
// per-provider`). `issuer` is the authorization server's issuer identifier, checked against the
// RFC 9207 `iss` of authorization responses; `iss_parameter_supported` is what its RFC 8414
// metadata says (NULL: not known), and makes a missing `iss` a refusal when 1.
export const m051OAuthMixup: Migration = {
  version: 51,
  name: "oauth-mixup",
  sql: `
ALTER TABLE oauth_endpoints ADD COLUMN issuer TEXT;
ALTER TABLE oauth_endpoints ADD COLUMN iss_parameter_supported INTEGER;
ALTER TABLE oauth_endpoints ADD COLUMN callback TEXT CHECK (callback IN ('per-provider', 'shared'));

INSERT INTO oauth_endpoints (app_id, provider, updated_at, callback)
  SELECT app_id, provider, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'shared' FROM providers WHERE client_id IS NOT NULL
  ON CONFLICT (app_id, provider) DO UPDATE SET callback = 'shared';
`,
};
