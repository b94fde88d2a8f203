// What an operation needs from the vault, from the provider data the generator wrote
// (ProviderSpec.security, read from the document by catalog/security-schemes.ts).
import type { OperationSpec, ProviderSpec } from "./operation.js";

/**
 * False when the document says the operation needs no credential (`security: []`, or only empty
 * alternatives): the call then goes to the provider directly, without the vault, in either mode.
 * Providers without security data, operations that state none (nor does the document), and
 * operations that accept a credential or none, use one.
 */
export function needsCredential(provider: ProviderSpec, op: OperationSpec): boolean {
  const security = provider.security;
  if (!security) return true;
  const requirements = security.operations?.[op.id] ?? security.default;
  if (!requirements) return true;
  return requirements.some((r) => Object.keys(r).length > 0);
}
