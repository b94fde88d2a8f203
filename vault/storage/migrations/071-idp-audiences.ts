import type { Migration } from "./types.js";

// An end-user token may be meant for more than the app itself: an MCP server's access token is
// bound to that server's URL (RFC 8707 resource indicators, the MCP authorization spec), yet it
// must still resolve the same user. `extra_audiences` is a JSON array of further `aud` values
// the vault accepts besides `audience` (or the client id) and the client id.
export const m071IdpAudiences: Migration = {
  version: 71,
  name: "idp-audiences",
  sql: `
ALTER TABLE idp_configs ADD COLUMN extra_audiences TEXT NOT NULL DEFAULT '[]';
`,
};
