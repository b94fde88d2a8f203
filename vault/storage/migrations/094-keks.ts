import type { Migration } from "./types.js";

// Envelope encryption (vault/crypto/kek-state.ts): the ids of the key-encryption keys (never
// their material, which stays in each instance's data folder) and which one is current, so every
// instance over this database wraps new data keys under the same KEK and can tell which KEKs
// are still referenced. A KEK goes known -> current -> retiring (a newer one became current and
// values are being rewrapped) -> retired (no value references it). `kek_rotations` is the one row
// a running `vault rotate-master-key` holds (a lease), so a second concurrent rotation is refused.
export const m094Keks: Migration = {
  version: 94,
  name: "keks",
  sql: `
CREATE TABLE keks (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('known', 'current', 'retiring', 'retired')),
  added_at TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE UNIQUE INDEX keks_one_current ON keks (status) WHERE status = 'current';
CREATE TABLE kek_rotations (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
};
