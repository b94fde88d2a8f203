import type { Migration } from "./types.js";

// The CSRF token of the latest view of a connect confirmation page (hashed), per session. A table
// of its own because connect_sessions is created by a later migration (050).
export const m008ConnectConfirmations: Migration = {
  version: 8,
  name: "connect-confirmations",
  sql: `
CREATE TABLE connect_confirmations (
  session_id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  csrf_token_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`,
};
