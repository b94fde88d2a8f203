import type { PgMigration } from "./types.js";

// Twin of SQLite's 075: why an approval was asked, rule by rule (JSON array; NULL before).
export const pg075ApprovalAskedFor: PgMigration = {
  version: 75,
  name: "approval-asked-for",
  sql: `ALTER TABLE approvals ADD COLUMN IF NOT EXISTS asked_for TEXT;`,
};
