// Opens the credential behind a grant, for one request only.
import { VaultError } from "../errors.js";
import type { VaultContext } from "../context.js";
import { ensureFreshCredential } from "../oauth/refresh.js";
import type { Credential, GrantRecord, Injection } from "../grant-types.js";
import { checkFieldsFor } from "./fields.js";

/** `rejected`: fingerprint of a token the provider just refused (docs/protocol.md); an OAuth
 *  grant whose current token matches it is refreshed now rather than near expiry. */
export async function credentialFor(
  ctx: VaultContext,
  g: GrantRecord,
  rejected?: string,
): Promise<Credential> {
  if (g.source === "managed_secret") {
    if (!g.managedSecretId) throw new VaultError("credential_revoked", "The grant has no secret behind it.");
    const c = await (ctx.records ?? ctx.store.records.direct()).secret(g.managedSecretId);
    if (!c) throw new VaultError("credential_revoked", "The managed secret behind this grant was deleted.");
    return c;
  }
  return ensureFreshCredential(ctx, g, rejected);
}

/** How the credential goes into the request: the provider's injection, except that a basic
 *  pair always goes as Basic auth. */
export function injectionFor(configured: Injection, credential: Credential): Injection {
  if ("username" in credential) return { type: "basic" };
  if ("accessKeyId" in credential && configured.type !== "aws-sigv4") {
    throw new VaultError("invalid_request", "This grant holds AWS keys but the provider is not configured for aws-sigv4 injection.");
  }
  checkFieldsFor(configured, credential);
  return configured;
}
