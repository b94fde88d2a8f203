import type { Migration } from "./types.js";

// Two leftovers nothing reads (issue 15): a connect confirmation's CSRF token and an approval
// page's are derived from their page token under the master key (oauth/connect-confirmations.ts,
// http/routes/approval-page.ts), never stored. The column has no index or constraint, so SQLite's
// DROP COLUMN removes it in place; no table is rebuilt.
export const m073DropUnusedCsrf: Migration = {
  version: 73,
  name: "drop-unused-csrf",
  sql: `
DROP TABLE IF EXISTS connect_confirmations;
ALTER TABLE approvals DROP COLUMN csrf_token_hash;
`,
};
