import type { Migration } from "./types.js";

// The approval webhook's URL can itself be a secret (Slack and Teams incoming-webhook URLs carry a
// token in the path): it is stored sealed under the master key (`url_sealed`, purpose
// "approval-webhook-url", AAD the app id) with a shown form that keeps only the origin
// (`url_shown`: path segments masked). A migration has no master key, so the plain `url` stays
// nullable for the rows set before this step: vault/approvals/webhook-store.ts seals such a row
// and empties `url` the first time it reads it. SQLite cannot drop NOT NULL: the table is rebuilt.
export const m087WebhookUrlSealed: Migration = {
  version: 87,
  name: "webhook-url-sealed",
  rebuildsTables: true,
  sql: `
CREATE TABLE approval_webhooks_next (
  app_id TEXT PRIMARY KEY REFERENCES apps(id),
  url TEXT,
  url_sealed TEXT,
  url_shown TEXT,
  secret_sealed TEXT NOT NULL,
  created_at TEXT NOT NULL
);
INSERT INTO approval_webhooks_next (app_id, url, secret_sealed, created_at) SELECT app_id, url, secret_sealed, created_at FROM approval_webhooks;
DROP TABLE approval_webhooks;
ALTER TABLE approval_webhooks_next RENAME TO approval_webhooks;
`,
};
