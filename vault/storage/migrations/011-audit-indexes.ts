import type { Migration } from "./types.js";

// One index per `vault audit` filter (grant: audit_by_grant, time: audit_by_time, from 002), each
// ending in seq so rows come out in log order without a sort. Run and key ids are often NULL
// (rows of admin commands), so those indexes hold only the rows that have one.
export const m011AuditIndexes: Migration = {
  version: 11,
  name: "audit-indexes",
  sql: `
CREATE INDEX audit_by_run ON audit (run_id, seq) WHERE run_id IS NOT NULL;
CREATE INDEX audit_by_key ON audit (key_id, seq) WHERE key_id IS NOT NULL;
CREATE INDEX audit_by_action ON audit (action, seq);
`,
};
