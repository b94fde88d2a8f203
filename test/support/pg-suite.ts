// One PostgreSQL cluster for a test file that builds stores itself: started before its tests with
// the role a running vault connects as, and stopped after them, with every store the file opened
// closed first (an open pool would keep the cluster from stopping).
import { afterAll, beforeAll } from "vitest";
import type { Store } from "../../vault/storage/store/index.js";
import { startPostgres, type PgCluster } from "./postgres.js";

/** The role `vault migrate --runtime-role` grants in these files, and its password. */
export const RUNTIME_ROLE = "vault_runtime";
export const RUNTIME_PASSWORD = "runtime-pw";

export interface PgSuite {
  /** The file's cluster (from its beforeAll on). */
  readonly cluster: PgCluster;
  /** Stores to close before the cluster stops. */
  readonly stores: Store[];
}

export function pgSuite(): PgSuite {
  let cluster: PgCluster | undefined;
  const stores: Store[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
    await cluster.sql("postgres", `CREATE ROLE ${RUNTIME_ROLE} LOGIN PASSWORD '${RUNTIME_PASSWORD}'`);
  }, 120_000);
  afterAll(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => {});
    await cluster?.stop();
  }, 120_000);
  return {
    get cluster() {
      if (!cluster) throw new Error("the cluster starts in beforeAll");
      return cluster;
    },
    stores,
  };
}
