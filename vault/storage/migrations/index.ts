// Every schema migration, in any order (db.ts sorts by version). Add one line per file.
import type { Migration } from "./types.js";
import { m001Core } from "./001-core.js";
import { m002Audit } from "./002-audit.js";
import { m003Approvals } from "./003-approvals.js";
import { m004ApproverLinks } from "./004-approver-links.js";
import { m005KeyScopes } from "./005-key-scopes.js";
import { m006PolicyFloor } from "./006-policy-floor.js";
import { m007ApprovalReview } from "./007-approval-review.js";
import { m008ConnectConfirmations } from "./008-connect-confirmations.js";
import { m010AuditChain } from "./010-audit-chain.js";
import { m011AuditIndexes } from "./011-audit-indexes.js";
import { m050IdentityOAuth } from "./050-identity-oauth.js";
import { m051OAuthMixup } from "./051-oauth-mixup.js";
import { m052RefreshCoordination } from "./052-refresh-coordination.js";
import { m055IdentityIssuer } from "./055-identity-issuer.js";
import { m060SecretFields } from "./060-secret-fields.js";
import { m061ConnectOutcomes } from "./061-connect-outcomes.js";
import { m071IdpAudiences } from "./071-idp-audiences.js";
import { m072ApprovalWebhooks } from "./072-approval-webhooks.js";
import { m073DropUnusedCsrf } from "./073-drop-unused-csrf.js";
import { m074ProviderOperations } from "./074-provider-operations.js";
import { m075ApprovalAskedFor } from "./075-approval-asked-for.js";
import { m076DeviceFlow } from "./076-device-flow.js";
import { m080RequestNonces } from "./080-request-nonces.js";
import { m087WebhookUrlSealed } from "./087-webhook-url-sealed.js";
import { m090AuditPartitions } from "./090-audit-partitions.js";
import { m092AuditCheckpoints } from "./092-audit-checkpoints.js";

export const migrations: Migration[] = [
  m001Core,
  m002Audit,
  m003Approvals,
  m004ApproverLinks,
  m005KeyScopes,
  m006PolicyFloor,
  m007ApprovalReview,
  m008ConnectConfirmations,
  m010AuditChain,
  m011AuditIndexes,
  m050IdentityOAuth,
  m051OAuthMixup,
  m052RefreshCoordination,
  m055IdentityIssuer,
  m060SecretFields,
  m061ConnectOutcomes,
  m071IdpAudiences,
  m072ApprovalWebhooks,
  m073DropUnusedCsrf,
  m074ProviderOperations,
  m075ApprovalAskedFor,
  m076DeviceFlow,
  m080RequestNonces,
  m087WebhookUrlSealed,
  m090AuditPartitions,
  m092AuditCheckpoints,
];
