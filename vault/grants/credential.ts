// Opens the credential behind a grant, for one request only.
import { VaultError } from "../errors.js";
import type { RouteContext } from "../http/context.js";
import { openSecret } from "../storage/secrets.js";
import { ensureFreshCredential } from "../oauth/refresh.js";
import type { Credential, GrantRecord } from "./types.js";

export async function credentialFor(ctx: Pick<RouteContext, "db" | "crypto" | "now" | "vault" | "app">, g: GrantRecord): Promise<Credential> {
  if (g.source === "managed_secret") {
    if (!g.managedSecretId) throw new VaultError("credential_revoked", "The grant has no secret behind it.");
    const c = openSecret(ctx.db, ctx.crypto, g.managedSecretId);
    if (!c) throw new VaultError("credential_revoked", "The managed secret behind this grant was deleted.");
    return c;
  }
  return ensureFreshCredential(ctx, g);
}
