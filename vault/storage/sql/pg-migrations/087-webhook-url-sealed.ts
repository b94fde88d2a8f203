import type { PgMigration } from "./types.js";

// Twin of SQLite's 087: the approval webhook's URL sealed (url_sealed) with a shown form
// (url_shown); the plain url only for rows set before, until the vault seals them on first read.
export const pg087WebhookUrlSealed: PgMigration = {
  version: 87,
  name: "webhook-url-sealed",
  sql: `
ALTER TABLE approval_webhooks ALTER COLUMN url DROP NOT NULL;
ALTER TABLE approval_webhooks ADD COLUMN IF NOT EXISTS url_sealed TEXT;
ALTER TABLE approval_webhooks ADD COLUMN IF NOT EXISTS url_shown TEXT;
`,
};
