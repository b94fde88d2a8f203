/**
 * One PostgreSQL schema step, run by `vault migrate` in its own transaction. The numbers follow
 * the SQLite series (../../migrations/): a step carries the number of the SQLite migration that
 * brings the SQLite schema to the same state, and 071 is the baseline equal to SQLite's schema
 * at 071. Every statement is idempotent (IF NOT EXISTS / OR REPLACE), so a step interrupted
 * between commit and record runs again harmlessly.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}
