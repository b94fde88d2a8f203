// Public entry point of alter-gen/runtime.
export type * from "./operation.js";
export * from "./errors.js";
export { errorFromEnvelope, type ErrorEnvelope } from "./error-envelope.js";
// Runtime (calls, vault object, management): see runtime/README.md for public vs internal.
export { AlterVault, DEFAULT_VAULT_URL, type AlterVaultOptions, type AwaitApprovalOptions } from "./vault.js";
export { bindOperations } from "./client.js";
export type * from "./tools.js";
export { callTool, checkToolInput, findTool, toolOperation } from "./tools-call.js";
export { asUser, type UserTokenGetter } from "./identity.js";
export type { Logger } from "./logger.js";
export type { AuditScope, AuditContext, CallerType } from "./audit.js";
export type { RetryPolicy } from "./retry.js";
export { DEFAULT_RETRY_POLICY } from "./retry.js";
export type { BrowserOpener, ConnectOptions, ConnectSession, ConnectSessionOptions, FlowOptions, AuthenticateResult } from "./connect.js";
export type { ConnectProvider } from "./connect-scopes.js";
export type { DeviceCodePrompt, DeviceCodeHandler, FlowChoice } from "./device-flow.js";
export { headlessEnvironment } from "./device-flow.js";
export type { GrantInfo, GrantPage, GrantPolicy, GrantPrincipal, GrantList, ListGrantsOptions, CreateManagedSecretGrantOptions } from "./grants.js";
export type { Injection } from "../protocol/injection.js";
export { SDK_VERSION } from "./version.js";
