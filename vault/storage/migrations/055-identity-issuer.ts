import type { Migration } from "./types.js";

// Users and group grants belong to the issuer that vouched for them: a `sub` or a group id means
// something only at its IDP, so after an IDP switch another issuer's user with the same `sub`
// must not inherit anything. Existing rows get the issuer of the app's configured IDP or, when
// the IDP was removed, of the last `idp set` in the (append-only) audit log; with neither on
// record they keep NULL, which no token can ever match.
const ISSUER_OF_APP = (appColumn: string) => `COALESCE(
  (SELECT c.issuer FROM idp_configs c WHERE c.app_id = ${appColumn}),
  (SELECT json_extract(a.details, '$.issuer') FROM audit a
     WHERE a.app_id = ${appColumn} AND a.action = 'admin' AND json_extract(a.details, '$.command') = 'idp set'
     ORDER BY a.seq DESC LIMIT 1))`;

export const m055IdentityIssuer: Migration = {
  version: 55,
  name: "identity-issuer",
  rebuildsTables: true,
  sql: `
CREATE TABLE users_by_issuer (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  issuer TEXT,                        -- the IDP's iss; NULL: unknown, matches no token
  subject TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT,
  removed_at TEXT,
  UNIQUE (app_id, issuer, subject)
);
INSERT INTO users_by_issuer (id, app_id, issuer, subject, created_at, last_seen_at, removed_at)
  SELECT id, app_id, ${ISSUER_OF_APP("users.app_id")}, subject, created_at, last_seen_at, removed_at FROM users;
DROP TABLE users;
ALTER TABLE users_by_issuer RENAME TO users;

-- The issuer of a user or group principal (NULL for system grants, and when unknown).
ALTER TABLE grants ADD COLUMN principal_issuer TEXT;
UPDATE grants SET principal_issuer = (SELECT u.issuer FROM users u WHERE u.id = grants.principal_id)
  WHERE principal_type = 'user';
UPDATE grants SET principal_issuer = ${ISSUER_OF_APP("grants.app_id")}
  WHERE principal_type = 'group';
`,
};
