import type { Migration } from "./types.js";

// Why an approval was asked, rule by rule ("grant: every call", "floor: class write"): with
// approval by operation (issue 12) the policy's source alone no longer says it, and the approver
// page shows it. JSON array; NULL for approvals made before.
export const m075ApprovalAskedFor: Migration = {
  version: 75,
  name: "approval-asked-for",
  sql: `ALTER TABLE approvals ADD COLUMN asked_for TEXT;`,
};
