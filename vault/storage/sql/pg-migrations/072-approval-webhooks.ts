import type { PgMigration } from "./types.js";

// Twin of SQLite's 072: one approval webhook per app, its signing secret sealed.
export const pg072ApprovalWebhooks: PgMigration = {
  version: 72,
  name: "approval-webhooks",
  sql: `
CREATE TABLE IF NOT EXISTS approval_webhooks (
  app_id TEXT PRIMARY KEY REFERENCES apps(id),
  url TEXT NOT NULL,
  secret_sealed TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`,
};
