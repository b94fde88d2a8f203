import type { Migration } from "./types.js";

// Signed requests' nonces, remembered until the request's time window has closed (`expires_at`,
// epoch ms), so a replay is refused by the database rather than by one process's memory: the
// table several vault instances share on PostgreSQL (its twin there has the same number).
// Expired rows are swept; the primary key refuses the second insert of a (key, nonce).
export const m080RequestNonces: Migration = {
  version: 80,
  name: "request-nonces",
  sql: `
CREATE TABLE request_nonces (
  key_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key_id, nonce)
) WITHOUT ROWID;
CREATE INDEX request_nonces_by_expiry ON request_nonces (expires_at);
`,
};
