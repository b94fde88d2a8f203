import type { Migration } from "./types.js";

// Append-only: triggers make UPDATE and DELETE fail, so even code holding the database handle
// cannot rewrite history (only a person with the file and a SQL shell can).
export const m002Audit: Migration = {
  version: 2,
  name: "audit",
  sql: `
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  time TEXT NOT NULL,
  app_id TEXT,
  key_id TEXT,
  action TEXT NOT NULL,
  caller TEXT,
  caller_type TEXT,
  principal_type TEXT,
  principal_id TEXT,
  grant_id TEXT,
  provider TEXT,
  operation_id TEXT,
  method TEXT,
  url TEXT,
  reason TEXT,
  run_id TEXT,
  thread_id TEXT,
  tool_call_id TEXT,
  tool_name TEXT,
  sdk_version TEXT,
  remote_address TEXT,
  outcome TEXT NOT NULL,
  status INTEGER,
  latency_ms REAL,
  error_code TEXT,
  details TEXT
);
CREATE INDEX audit_by_grant ON audit (grant_id, seq);
CREATE INDEX audit_by_time ON audit (time);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
`,
};
