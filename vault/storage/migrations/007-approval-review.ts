import type { Migration } from "./types.js";

// Who asked for an approval (the verified end user, when the call carried a user token; only
// that principal may read its status), which policies asked for it, and the SHA-256 of the
// review the approver was shown when they decided (the request that runs must still match it).
export const m007ApprovalReview: Migration = {
  version: 7,
  name: "approval-review",
  sql: `
ALTER TABLE approvals ADD COLUMN requester_user_id TEXT;
ALTER TABLE approvals ADD COLUMN requester_subject TEXT;
ALTER TABLE approvals ADD COLUMN requester_groups TEXT;
ALTER TABLE approvals ADD COLUMN asked_by TEXT NOT NULL DEFAULT '["grant"]';
ALTER TABLE approvals ADD COLUMN approved_hash TEXT;
`,
};
