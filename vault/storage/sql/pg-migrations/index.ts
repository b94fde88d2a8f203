// Every PostgreSQL schema step, in order (numbers mirror the SQLite series; see types.ts).
import type { PgMigration } from "./types.js";
import { pg071Baseline } from "./071-baseline.js";
import { pg080RequestNonces } from "./080-request-nonces.js";

export const pgMigrations: PgMigration[] = [pg071Baseline, pg080RequestNonces];
export type { PgMigration };
