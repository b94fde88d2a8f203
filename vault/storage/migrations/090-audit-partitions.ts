import type { Migration } from "./types.js";

// Twin of PostgreSQL's 090, which partitions the audit table by month. SQLite's one file has
// nothing to partition; the step exists so both series keep the same numbers (a parity test
// compares them) and a vault moved from SQLite to PostgreSQL lands on the same version.
export const m090AuditPartitions: Migration = {
  version: 90,
  name: "audit-partitions",
};
