import type { Migration } from "./types.js";

// Twin of PostgreSQL's 092, which adds the signed checkpoint row of each audit chain. A SQLite
// vault keeps its one chain's checkpoint in <data>/audit.checkpoint, beside the database and not
// in it (docs/architecture.md, "Audit log"), so SQLite needs no table; the step keeps both
// series at the same number.
export const m092AuditCheckpoints: Migration = {
  version: 92,
  name: "audit-checkpoints",
};
