// Operator functions for identity: `vault idp set|show|remove` and `vault users list|remove`.
import { VaultUsageError } from "../errors.js";
import { auditAdmin, withVault, type AdminOptions, type AdminState } from "../admin/open.js";
import { listGrants } from "../storage/grants.js";
import { revokeAtProvider } from "../oauth/revoke.js";
import { markRevoked } from "../storage/grants.js";
import { discoverIssuer } from "./discovery.js";
import { deleteIdpConfig, getIdpConfig, saveIdpConfig, type IdpConfig } from "./idp-config.js";
import { forgetJwks } from "./jwks.js";
import { listUsers as listUserRows, markUserRemoved, type UserSummary } from "./users.js";

export interface SetIdpOptions extends AdminOptions {
  issuer: string;
  /** Expected `aud` of end-user tokens; defaults to clientId. */
  audience?: string;
  /** The OIDC client the vault uses for authenticate sessions. */
  clientId?: string;
  /** In clear only on its way in; stored sealed. */
  clientSecret?: string;
  /** Default "groups". */
  groupsClaim?: string;
}

export async function setIdp(opts: SetIdpOptions): Promise<IdpConfig> {
  if (!opts.audience && !opts.clientId) {
    throw new VaultUsageError("idp set needs --audience or --client-id: end-user tokens are checked against an expected audience.");
  }
  if (opts.clientSecret && !opts.clientId) throw new VaultUsageError("--client-secret needs --client-id.");
  const groupsClaim = opts.groupsClaim ?? "groups";
  if (!/^[A-Za-z0-9_:./-]+$/.test(groupsClaim)) throw new VaultUsageError(`--groups-claim "${groupsClaim}" is not a claim name.`);
  return withVault(opts, async (s) => {
    const current = getIdpConfig(s.db, s.app.id);
    if (current && current.issuer !== opts.issuer) {
      throw new VaultUsageError(
        `This app already uses the IDP ${current.issuer}; one IDP per app. Run \`alter-gen vault idp remove\` first to switch to ${opts.issuer}.`,
      );
    }
    const discovery = await discoverIssuer(opts.issuer);
    const saved = saveIdpConfig(
      s.db,
      s.crypto,
      s.app.id,
      {
        issuer: opts.issuer,
        audience: opts.audience ?? null,
        clientId: opts.clientId ?? null,
        clientSecret: opts.clientSecret ?? null,
        groupsClaim,
        discovery,
      },
      s.now(),
    );
    auditAdmin(s, "idp set", { details: { issuer: opts.issuer, audience: saved.audience, clientId: saved.clientId } });
    return saved;
  });
}

export async function getIdp(opts: AdminOptions = {}): Promise<IdpConfig | undefined> {
  return withVault(opts, (s) => getIdpConfig(s.db, s.app.id));
}

export async function removeIdp(opts: AdminOptions = {}): Promise<boolean> {
  return withVault(opts, (s) => {
    const current = getIdpConfig(s.db, s.app.id);
    if (!current) return false;
    deleteIdpConfig(s.db, s.app.id);
    forgetJwks(current.discovery.jwksUri);
    auditAdmin(s, "idp remove", { details: { issuer: current.issuer } });
    return true;
  });
}

export async function listUsers(opts: AdminOptions = {}): Promise<UserSummary[]> {
  return withVault(opts, (s) => listUserRows(s.db, s.app.id));
}

export interface RemovedUser {
  subject: string;
  revokedGrants: string[];
}

/** Deprovisions: the user's tokens stop working and every grant they own is revoked at once. */
export async function removeUser(opts: AdminOptions & { subject: string; reason?: string }): Promise<RemovedUser> {
  return withVault(opts, (s) => deprovisionUser(s, opts.subject, opts.reason ?? "user removed"));
}

export async function deprovisionUser(s: AdminState, subject: string, reason: string): Promise<RemovedUser> {
  const user = markUserRemoved(s.db, s.app.id, subject, s.now());
  if (!user) throw new VaultUsageError(`No user with subject "${subject}" has been seen by this vault (see \`alter-gen vault users list\`).`);
  const owned = listGrants(s.db, s.app.id, { principalType: "user" }).filter((g) => g.principalId === user.id && g.status !== "revoked");
  const revoked: string[] = [];
  for (const g of owned) {
    // The vault forgets the tokens whatever the provider answers.
    await revokeAtProvider({ vault: s, db: s.db, crypto: s.crypto, now: s.now }, g).catch(() => undefined);
    if (markRevoked(s.db, s.app.id, g.id, reason, s.now())) revoked.push(g.id);
  }
  auditAdmin(s, "users remove", { details: { subject, revokedGrants: revoked.length } });
  return { subject, revokedGrants: revoked };
}
