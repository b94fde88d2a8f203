import type { PgMigration } from "./types.js";

// Twin of SQLite's 080: the nonces of signed requests, shared by every instance, so a request
// seen by one is refused by all (the primary key refuses the second insert).
export const pg080RequestNonces: PgMigration = {
  version: 80,
  name: "request-nonces",
  sql: `
CREATE TABLE IF NOT EXISTS request_nonces (
  key_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (key_id, nonce)
);
CREATE INDEX IF NOT EXISTS request_nonces_by_expiry ON request_nonces (expires_at);
`,
};
