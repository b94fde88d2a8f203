// The vault's programmatic API (vault/index.ts) as the vault and e2e tests use it, on the engine
// of the run (test/support/vault-engine.ts). On SQLite every function is the vault's own,
// untouched. On PostgreSQL, initVault() first copies a fresh database from the migrated template
// and remembers it for the data folder; startVault() and every admin function then get that
// folder's `databaseUrl`, exactly as an operator passes --database-url to each command. A test
// that gives its own databaseUrl keeps it.
import { initVault as realInitVault, type InitOptions, type InitResult } from "../../vault/index.js";
import { resolve } from "node:path";
import * as vault from "../../vault/index.js";
import { approveWithOutcome as realApproveWithOutcome } from "../../vault/admin/approvals.js";
import { withVault as realWithVault } from "../../vault/admin/open.js";
import { openVaultState as realOpenVaultState, type OpenOptions } from "../../vault/state.js";
import { bindDatabase, engineOptions, freshVaultDatabase, onPostgres } from "./vault-engine.js";

export * from "../../vault/index.js";

type WithUrl<T> = T & { databaseUrl?: string };

/** `fn` with the data folder's database URL added to its options (first argument). */
function onEngine<F extends (opts?: any, ...rest: any[]) => any>(fn: F): F {
  const wrapped = (opts: { dataDir?: string; databaseUrl?: string } = {}, ...rest: unknown[]) => {
    if (opts.databaseUrl !== undefined) return fn(opts, ...rest);
    return fn({ ...opts, ...engineOptions(opts.dataDir) }, ...rest);
  };
  return wrapped as F;
}

/** `vault init`; on PostgreSQL into a fresh database of its own. */
export async function initVault(opts: WithUrl<InitOptions> = {}): Promise<InitResult> {
  if (!onPostgres() || opts.databaseUrl !== undefined) return realInitVault(opts);
  const db = await freshVaultDatabase();
  bindDatabase(opts.dataDir ?? ".alter", db);
  return realInitVault({ ...opts, databaseUrl: db.url });
}

/**
 * The URL each folder's vault serves at, for approverLink on PostgreSQL: there no server lock file
 * in the data folder names the running server (several instances may serve one database), so an
 * operator passes --base-url, and so do the tests.
 */
const servedAt = new Map<string, string>();

export const startVault: typeof vault.startVault = async (opts = {}) => {
  const running = await vault.startVault({ ...engineOptions(opts.dataDir), ...opts });
  if (onPostgres()) servedAt.set(resolve(opts.dataDir ?? ".alter"), running.url);
  return running;
};
export const addManagedSecret = onEngine(vault.addManagedSecret);
export const listManagedSecrets = onEngine(vault.listManagedSecrets);
export const setSecretPolicy = onEngine(vault.setSecretPolicy);
export const issueGrant = onEngine(vault.issueGrant);
export const listGrants = onEngine(vault.listGrants);
export const revokeGrant = onEngine(vault.revokeGrant);
export const setGrantPolicy = onEngine(vault.setGrantPolicy);
export const setProviderConfig = onEngine(vault.setProviderConfig);
export const listProviderConfigs = onEngine(vault.listProviderConfigs);
export const createApiKey = onEngine(vault.createApiKey);
export const listApiKeys = onEngine(vault.listApiKeys);
export const revokeApiKey = onEngine(vault.revokeApiKey);
export const deprecateApiKey = onEngine(vault.deprecateApiKey);
export const setApiKeyScopesOf = onEngine(vault.setApiKeyScopesOf);
export const readAudit = onEngine(vault.readAudit);
export const streamAudit = onEngine(vault.streamAudit);
export const verifyAudit = onEngine(vault.verifyAudit);
export const rotateMasterKey = onEngine(vault.rotateMasterKey);
export const setIdp = onEngine(vault.setIdp);
export const getIdp = onEngine(vault.getIdp);
export const removeIdp = onEngine(vault.removeIdp);
export const listUsers = onEngine(vault.listUsers);
export const removeUser = onEngine(vault.removeUser);
export const revokeOrphanedGrants = onEngine(vault.revokeOrphanedGrants);
export const setOAuthEndpoints = onEngine(vault.setOAuthEndpoints);
export const getOAuthEndpoints = onEngine(vault.getOAuthEndpoints);
export const listApprovals = onEngine(vault.listApprovals);
export const showApproval = onEngine(vault.showApproval);
export const approve = onEngine(vault.approve);
export const approveWithOutcome = onEngine(realApproveWithOutcome);
export const deny = onEngine(vault.deny);
export const approverLink: typeof vault.approverLink = (opts) => {
  const baseUrl = opts.baseUrl ?? (onPostgres() ? servedAt.get(resolve(opts.dataDir ?? ".alter")) : undefined);
  return vault.approverLink({ ...engineOptions(opts.dataDir), ...opts, ...(baseUrl ? { baseUrl } : {}) });
};
export const setApprovalWebhook = onEngine(vault.setApprovalWebhook);
export const showApprovalWebhook = onEngine(vault.showApprovalWebhook);
export const clearApprovalWebhook = onEngine(vault.clearApprovalWebhook);
/** The data folder opened for one piece of work (vault/admin/open.ts), on the run's engine. */
export const withVault = onEngine(realWithVault);

/** The data folder opened as the server opens it (vault/state.ts), on the run's engine. */
export function openVaultState(dataDir: string, opts: OpenOptions = {}): ReturnType<typeof realOpenVaultState> {
  return realOpenVaultState(dataDir, { ...engineOptions(dataDir), ...opts });
}
