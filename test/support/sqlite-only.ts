// Vault and e2e test files the "postgres" vitest project leaves out, each with the reason: they
// test what exists on SQLite only (the database file and its WAL, the server lock, migrations of
// old SQLite folders, the synchronous audit writer, `vault import` from a SQLite folder), or they
// already run on both engines by themselves (the store conformance suites and the instance tests
// that build one store per engine). Everything else in test/vault and test/e2e runs on both.
// Paths are relative to the repository root, as vitest's exclude patterns are.
export const SQLITE_ONLY: Record<string, string> = {
  "test/vault/storage/**": "the store suites run on both engines by themselves (conformance on SQLite and on a real PostgreSQL)",
  "test/vault/replay-guard.test.ts": "builds the replay guard over a store of each engine by itself",
  "test/vault/oauth/flow-instances.test.ts": "builds two stores of each engine by itself",
  "test/vault/oauth/refresh-instances.test.ts": "builds two stores of each engine by itself",
  "test/vault/server-lock.test.ts": "the one-server-per-SQLite-file lock; PostgreSQL serves several instances on purpose",
  "test/vault/sqlite-check.test.ts": "a missing or unbuilt better-sqlite3 module",
  "test/vault/audit-crash.test.ts": "truncates the SQLite WAL after a kill",
  "test/vault/audit-writer.test.ts": "the SQLite audit writer's group commit on its file",
  "test/vault/audit-store-transaction.test.ts": "the SQLite store sharing the audit writer's better-sqlite3 handle",
  "test/vault/audit-read.test.ts": "SQLite's EXPLAIN QUERY PLAN for each audit filter, on rows inserted into the file",
  "test/vault/audit-chain.test.ts": "damages the audit log by editing the SQLite file (tampering)",
  "test/vault/migration-authz.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/migration-drop-csrf.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/migration-secret-fields.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/identity/migration-issuer.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/oauth/migration.test.ts": "SQLite migrations on a folder made before them",
};
