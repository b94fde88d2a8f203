import type { Migration } from "./types.js";

// The approver link's token, sealed under the master key, so that operators (who hold the key)
// can print the link while the SDK caller — who may be the agent asking — never sees it.
export const m004ApproverLinks: Migration = {
  version: 4,
  name: "approver-links",
  sql: `ALTER TABLE approvals ADD COLUMN page_token_sealed TEXT;`,
};
