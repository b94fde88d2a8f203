import type { Migration } from "./types.js";

export const m003Approvals: Migration = {
  version: 3,
  name: "approvals",
  sql: `
CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  grant_id TEXT NOT NULL REFERENCES grants(id),
  key_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'executing', 'executed', 'failed')),
  provider TEXT NOT NULL,
  operation_id TEXT,
  method TEXT NOT NULL,
  url_redacted TEXT NOT NULL,
  request_sealed TEXT NOT NULL,       -- the full request (URL, headers, body), sealed
  context TEXT NOT NULL DEFAULT '{}', -- AuditContext (caller, reason, run ids)
  remote_address TEXT,
  page_token_hash TEXT NOT NULL,      -- sha-256 of the one-time token in the page URL
  csrf_token_hash TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  decided_at TEXT,
  decided_by TEXT,
  result_sealed TEXT,
  error_code TEXT
);
CREATE INDEX approvals_by_status ON approvals (app_id, status);
`,
};
