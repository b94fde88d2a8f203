import type { Migration } from "./types.js";

// Where the vault tells someone that an approval waits (issue 12): one webhook per app, its
// signing secret sealed under the master key (purpose "approval-webhook-secret", AAD the app id)
// since the vault signs with it; the operator saw it once, when it was set.
export const m072ApprovalWebhooks: Migration = {
  version: 72,
  name: "approval-webhooks",
  sql: `
CREATE TABLE approval_webhooks (
  app_id TEXT PRIMARY KEY REFERENCES apps(id),
  url TEXT NOT NULL,
  secret_sealed TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`,
};
