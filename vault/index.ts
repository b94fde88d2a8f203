// The local vault's programmatic API: used by the CLI (`alter-gen vault …`) and by tests.
export { initVault, type InitOptions, type InitResult } from "./admin/init.js";
export { startVault, type StartOptions, type RunningVault } from "./admin/start.js";
export { addManagedSecret, listManagedSecrets, setSecretPolicy, type AddSecretOptions } from "./admin/secrets.js";
export { issueGrant, listGrants, revokeGrant, setGrantPolicy, type IssueGrantOptions } from "./admin/grants.js";
export { setProviderConfig, listProviderConfigs, type ProviderConfigOptions } from "./admin/providers.js";
export { createApiKey, listApiKeys, revokeApiKey, deprecateApiKey, setApiKeyScopesOf, type CreateApiKeyOptions } from "./admin/keys.js";
export { KEY_SCOPES, KEY_KINDS, DEFAULT_SCOPES, type KeyScope, type KeyKind } from "./keys/scopes.js";
export { readAudit, streamAudit, verifyAudit, type AuditQuery, type AuditReport } from "./admin/audit.js";
export { rotateMasterKey, type RotateOptions, type RotateResult } from "./admin/rotate.js";
export { DEFAULT_DATA_DIR, type AdminOptions } from "./admin/open.js";
export { setIdp, getIdp, removeIdp, listUsers, removeUser, revokeOrphanedGrants, IdpSwitchNeedsConfirmation, type SetIdpOptions, type RemovedUser, type RemovedIdp } from "./admin/identity.js";
export { setOAuthEndpoints, getOAuthEndpoints, type OAuthEndpointOptions } from "./admin/oauth.js";
export { VaultError, VaultUsageError } from "./errors.js";
export type { GrantInfo, GrantPolicy, Credential, Injection } from "./grant-types.js";
export type { AuditRow } from "./audit/writer.js";
export { listApprovals, approve, deny, approverLink, showApproval } from "./admin/approvals.js";
export type { ApprovalReview } from "./approvals/review.js";
export type { ApprovalRecord, ApprovalStatus } from "./approvals/store.js";
