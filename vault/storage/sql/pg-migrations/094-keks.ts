import type { PgMigration } from "./types.js";

// Twin of SQLite's 094: KEK ids and states (which one is current) and the rotation lease.
export const pg094Keks: PgMigration = {
  version: 94,
  name: "keks",
  sql: `
CREATE TABLE IF NOT EXISTS keks (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('known', 'current', 'retiring', 'retired')),
  added_at TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS keks_one_current ON keks (status) WHERE status = 'current';
CREATE TABLE IF NOT EXISTS kek_rotations (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
`,
};
