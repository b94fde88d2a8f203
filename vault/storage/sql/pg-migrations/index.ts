// Every PostgreSQL schema step, in order (numbers mirror the SQLite series; see types.ts).
import type { PgMigration } from "./types.js";
import { pg071Baseline } from "./071-baseline.js";
import { pg072ApprovalWebhooks } from "./072-approval-webhooks.js";
import { pg073DropUnusedCsrf } from "./073-drop-unused-csrf.js";
import { pg074ProviderOperations } from "./074-provider-operations.js";
import { pg075ApprovalAskedFor } from "./075-approval-asked-for.js";
import { pg076DeviceFlow } from "./076-device-flow.js";
import { pg080RequestNonces } from "./080-request-nonces.js";
import { pg087WebhookUrlSealed } from "./087-webhook-url-sealed.js";
import { pg090AuditPartitions } from "./090-audit-partitions.js";
import { pg092AuditCheckpoints } from "./092-audit-checkpoints.js";

export const pgMigrations: PgMigration[] = [
  pg071Baseline,
  pg072ApprovalWebhooks,
  pg073DropUnusedCsrf,
  pg074ProviderOperations,
  pg075ApprovalAskedFor,
  pg076DeviceFlow,
  pg080RequestNonces,
  pg087WebhookUrlSealed,
  pg090AuditPartitions,
  pg092AuditCheckpoints,
];
export { PG_ONLY_TABLES } from "./092-audit-checkpoints.js";
export type { PgMigration };
