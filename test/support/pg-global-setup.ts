// globalSetup of the "postgres" vitest project (vitest.config.ts): one throwaway PostgreSQL
// cluster for the whole run, and a template database migrated once by `vault migrate`'s code as
// the schema's owner role, with the runtime role granted its limited privileges. Each test vault
// then gets a fresh copy (`CREATE DATABASE … TEMPLATE`, a file copy: tens of milliseconds instead
// of running every migration again) and is served as the runtime role, as an operator would run
// it (test/support/vault-engine.ts). The cluster's coordinates reach the test workers through
// vitest's provide/inject, so nothing leaks into the environment of other projects.
import type { TestProject } from "vitest/node";
import { migratePostgres } from "../../vault/storage/sql/pg-migrate.js";
import { asRole, startPostgres } from "./postgres.js";
import { PG_ROLES, type TestPostgres } from "./vault-engine.js";

declare module "vitest" {
  export interface ProvidedContext {
    testPostgres: TestPostgres;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgres();
  const { owner, runtime } = PG_ROLES;
  await cluster.sql("postgres", `CREATE ROLE ${owner.name} LOGIN PASSWORD '${owner.password}'`);
  await cluster.sql("postgres", `CREATE ROLE ${runtime.name} LOGIN PASSWORD '${runtime.password}'`);
  const template = "alter_vault_template";
  await cluster.sql("postgres", `CREATE DATABASE ${template} OWNER ${owner.name}`);
  const templateUrl = asRole(cluster.url.replace(/\/postgres$/, `/${template}`), owner.name, owner.password);
  await migratePostgres({ url: templateUrl, runtimeRole: runtime.name });
  project.provide("testPostgres", { superuserUrl: cluster.url, template, source: cluster.source });
  return () => cluster.stop();
}
