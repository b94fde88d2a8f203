// Which storage engine the vault tests run on. `npm test` runs the vault and e2e suites twice
// (vitest.config.ts): once on SQLite (the default, no setting) and once with
// ALTER_TEST_VAULT_ENGINE=postgres, where every test vault gets a fresh database of its own in the
// run's one cluster (test/support/pg-global-setup.ts), migrated by the owner role and served by
// the runtime role. The data folder still holds the master key; the database URL that goes with it
// is remembered here by data folder, so the test-side admin functions (test/support/vault-admin.ts)
// and the CLI runner pass `databaseUrl` / `--database-url` for the folder without each test
// having to carry it around.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { asRole, queryRows } from "./postgres.js";

export type TestEngine = "sqlite" | "postgres";

/** What the postgres project's globalSetup hands to the workers. */
export interface TestPostgres {
  /** Superuser URL of the cluster's `postgres` database (creates and drops test databases). */
  superuserUrl: string;
  /** The migrated database each test vault's database is copied from. */
  template: string;
  source: "system" | "embedded";
}

/** The owner role runs `vault migrate`; the vault serves as the runtime role. */
export const PG_ROLES = {
  owner: { name: "vault_owner", password: "owner-pw-e2e" },
  runtime: { name: "vault_runtime", password: "runtime-pw-e2e" },
} as const;

export const ENGINE_ENV = "ALTER_TEST_VAULT_ENGINE";

export function testEngine(): TestEngine {
  const value = process.env[ENGINE_ENV];
  if (value === undefined || value === "" || value === "sqlite") return "sqlite";
  if (value === "postgres") return "postgres";
  throw new Error(`${ENGINE_ENV}=${value}: expected "sqlite" or "postgres"`);
}

export const onPostgres = (): boolean => testEngine() === "postgres";

export interface VaultDatabase {
  name: string;
  /** As the runtime role: what the vault and the admin functions use. */
  url: string;
  /** As the owner role (the schema's owner: what `vault migrate` uses). */
  ownerUrl: string;
}

// vitest is imported only here, when a database is needed: the helpers that import this module
// also run in plain child processes (a vault server a test kills), where vitest must not load.
async function cluster(): Promise<TestPostgres> {
  const { inject } = await import("vitest");
  const pg = inject("testPostgres");
  if (!pg) throw new Error(`${ENGINE_ENV}=postgres needs the "postgres" vitest project (its globalSetup starts the cluster): run vitest --project postgres`);
  return pg;
}

function databaseUrl(superuserUrl: string, name: string): string {
  const u = new URL(superuserUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh copy of the migrated template database. */
export async function freshVaultDatabase(): Promise<VaultDatabase> {
  const pg = await cluster();
  const name = `v_${process.pid}_${randomBytes(5).toString("hex")}`;
  await queryRows(pg.superuserUrl, `CREATE DATABASE ${name} TEMPLATE ${pg.template} OWNER ${PG_ROLES.owner.name}`);
  const base = databaseUrl(pg.superuserUrl, name);
  return {
    name,
    url: asRole(base, PG_ROLES.runtime.name, PG_ROLES.runtime.password),
    ownerUrl: asRole(base, PG_ROLES.owner.name, PG_ROLES.owner.password),
  };
}

/** Drops a test database, closing whatever still holds a connection to it. */
export async function dropVaultDatabase(db: VaultDatabase): Promise<void> {
  await queryRows((await cluster()).superuserUrl, `DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
}

const byDataDir = new Map<string, VaultDatabase>();

/** Remembers that the vault of `dataDir` lives in `db`. */
export function bindDatabase(dataDir: string, db: VaultDatabase): void {
  byDataDir.set(resolve(dataDir), db);
}

/** The database of the vault in `dataDir` (undefined on SQLite or for an unknown folder). */
export function databaseOf(dataDir: string | undefined): VaultDatabase | undefined {
  return byDataDir.get(resolve(dataDir ?? ".alter"));
}

/** `{ databaseUrl }` for the vault of `dataDir` when it lives in PostgreSQL, else `{}`. */
export function engineOptions(dataDir: string | undefined): { databaseUrl?: string } {
  const db = databaseOf(dataDir);
  return db ? { databaseUrl: db.url } : {};
}

/** `["--database-url", url]` for the vault of `dataDir` when it lives in PostgreSQL, else `[]`. */
export function engineFlags(dataDir: string | undefined): string[] {
  const db = databaseOf(dataDir);
  return db ? ["--database-url", db.url] : [];
}

/**
 * The environment a child process (a vault server a test kills, a second process on the same
 * folder) needs for the vault of `dataDir`: ALTER_VAULT_DATABASE_URL on PostgreSQL, else nothing.
 */
export function engineEnv(dataDir: string | undefined): { ALTER_VAULT_DATABASE_URL?: string } {
  const db = databaseOf(dataDir);
  return db ? { ALTER_VAULT_DATABASE_URL: db.url } : {};
}
