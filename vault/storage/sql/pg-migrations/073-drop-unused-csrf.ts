import type { PgMigration } from "./types.js";

// Twin of SQLite's 073: the connect confirmation's and approval page's CSRF tokens are derived,
// never stored, so the table and the column go.
export const pg073DropUnusedCsrf: PgMigration = {
  version: 73,
  name: "drop-unused-csrf",
  sql: `
DROP TABLE IF EXISTS connect_confirmations;
ALTER TABLE approvals DROP COLUMN IF EXISTS csrf_token_hash;
`,
};
