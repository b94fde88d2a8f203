// Operator functions for identity: `vault idp set|show|remove` and `vault users list|remove`.
import { VaultUsageError } from "../errors.js";
import { vaultContext } from "../context.js";
import { auditAdmin, withVault, type AdminOptions, type AdminState } from "./open.js";
import { revokeAtProvider } from "../oauth/revoke.js";
import type { UserRecord } from "../storage/users.js";
import type { GrantRecord } from "../grant-types.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import { discoverIssuer } from "../identity/discovery.js";
import { loadIdpConfig, saveIdpConfig, type IdpConfig } from "../identity/idp-config.js";
import { forgetJwks } from "../identity/jwks.js";
import { describeOrphans, loadOrphanedGrants, summarizeOrphans, type OrphanSummary } from "../identity/orphans.js";
import { listUsers as listUserRows, markUserRemoved, type UserSummary } from "../identity/users.js";
import { flagValue, maskSecrets, quoted } from "../quote.js";

export interface SetIdpOptions extends AdminOptions {
  issuer: string;
  /**
   * Accepted `aud` values of end-user tokens, any one suffices; the client id is always accepted.
   * Several when tokens bound to an MCP server's URL (RFC 8707) must resolve users too.
   * @default [clientId]
   */
  audience?: string | readonly string[];
  /** The OIDC client the vault uses for authenticate sessions. */
  clientId?: string;
  /** In clear only on its way in; stored sealed. */
  clientSecret?: string;
  /** Default "groups". */
  groupsClaim?: string;
  /**
   * Whether grants bound to other issuers' users and groups may become unreachable (orphaned):
   * true, or a question put to the operator once discovery succeeded. Without a yes, a switch
   * that would orphan grants is refused with IdpSwitchNeedsConfirmation.
   */
  confirmOrphaning?: boolean | ((question: IdpSwitchNeedsConfirmation) => Promise<boolean>);
}

/** Setting this issuer would leave grants orphaned; the CLI asks the operator, then retries. */
export class IdpSwitchNeedsConfirmation extends VaultUsageError {
  /** What the switch does, without the hint on how to agree. */
  readonly situation: string;
  constructor(
    readonly issuer: string,
    readonly orphans: OrphanSummary,
  ) {
    const situation =
      `Setting the IDP to ${issuer} leaves ${orphans.grants} grant${orphans.grants === 1 ? "" : "s"} bound to identities of other issuers ` +
      `(${describeOrphans(orphans)}): no user of ${issuer} can reach them, even one with the same sub or group id. ` +
      "`alter-gen vault grants list --orphaned` lists them and `alter-gen vault grants revoke-orphaned` revokes them.";
    super(`${situation} Pass --yes to switch anyway.`);
    this.situation = situation;
  }
}

export async function setIdp(opts: SetIdpOptions): Promise<IdpConfig> {
  const audiences = normalizeAudiences(opts.audience);
  if (audiences.length === 0 && !opts.clientId) {
    throw new VaultUsageError("idp set needs --audience or --client-id: end-user tokens are checked against an expected audience.");
  }
  if (opts.clientSecret && !opts.clientId) throw new VaultUsageError("--client-secret needs --client-id.");
  const groupsClaim = opts.groupsClaim ?? "groups";
  if (!/^[A-Za-z0-9_:./-]+$/.test(groupsClaim)) throw new VaultUsageError(`${flagValue("--groups-claim", groupsClaim)} is not a claim name.`);
  return withVault(opts, async (s) => {
    const current = await loadIdpConfig(s.store, s.app.id);
    if (current && current.issuer !== opts.issuer) {
      throw new VaultUsageError(
        `This app already uses the IDP ${current.issuer}; one IDP per app. Run \`alter-gen vault idp remove\` first to switch to ${opts.issuer}.`,
      );
    }
    const discovery = await discoverIssuer(opts.issuer);
    const orphans = summarizeOrphans(await loadOrphanedGrants(s.store, s.app.id, opts.issuer));
    if (current?.issuer !== opts.issuer && orphans.grants > 0) {
      const question = new IdpSwitchNeedsConfirmation(opts.issuer, orphans);
      const yes = typeof opts.confirmOrphaning === "function" ? await opts.confirmOrphaning(question) : opts.confirmOrphaning === true;
      if (!yes) throw question;
    }
    const config = {
      issuer: opts.issuer,
      audience: audiences[0] ?? null,
      extraAudiences: audiences.slice(1),
      clientId: opts.clientId ?? null,
      clientSecret: opts.clientSecret ?? null,
      groupsClaim,
      discovery,
    };
    return s.store.sql.transaction(async (tx) => {
      const saved = await saveIdpConfig(s.store, s.app.id, config, s.now(), tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "idp set", { details: { issuer: opts.issuer, audience: saved.audience, audiences: saved.audiences, clientId: saved.clientId, orphanedGrants: orphans.grants } });
      return saved;
    });
  });
}

// Each audience is a string an IDP puts into `aud` verbatim: a client id or a URL. Blank values
// and whitespace are typing mistakes, refused rather than stored as a value no token carries.
function normalizeAudiences(given: string | readonly string[] | undefined): string[] {
  const list = given === undefined ? [] : typeof given === "string" ? [given] : [...given];
  for (const a of list) {
    if (typeof a !== "string" || a === "" || /[\s\x00-\x1f\x7f]/.test(a)) {
      throw new VaultUsageError(`${flagValue("--audience", String(a))} is not an audience (a client id or URL, without spaces).`);
    }
  }
  return [...new Set(list)];
}

export async function getIdp(opts: AdminOptions = {}): Promise<IdpConfig | undefined> {
  return withVault(opts, (s) => loadIdpConfig(s.store, s.app.id));
}

export interface RemovedIdp {
  issuer: string;
  /** Grants (not revoked) bound to this issuer's users and groups: unusable until it is set again. */
  boundGrants: number;
}

export async function removeIdp(opts: AdminOptions = {}): Promise<RemovedIdp | undefined> {
  return withVault(opts, async (s) => {
    const current = await loadIdpConfig(s.store, s.app.id);
    if (!current) return undefined;
    const bound = (await s.store.grants.liveBoundTo(s.app.id, { issuer: current.issuer })).length;
    await s.store.sql.transaction(async (tx) => {
      await s.store.idpConfigs.delete(s.app.id, tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "idp remove", { details: { issuer: current.issuer, boundGrants: bound } });
    });
    forgetJwks(current.discovery.jwksUri);
    return { issuer: current.issuer, boundGrants: bound };
  });
}

/** Revokes every grant no user of the current IDP can reach (see orphans.ts). */
export async function revokeOrphanedGrants(opts: AdminOptions & { reason?: string }): Promise<string[]> {
  return withVault(opts, async (s) => {
    const issuer = (await loadIdpConfig(s.store, s.app.id))?.issuer ?? null;
    const orphans = await loadOrphanedGrants(s.store, s.app.id, issuer);
    const revoked = await s.store.sql.transaction(async (tx) => {
      const ids = await revokeIn(tx, s, orphans, opts.reason ?? "orphaned by an IDP switch");
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "grants revoke-orphaned", { details: { currentIssuer: issuer, revokedGrants: ids.length } });
      return ids;
    });
    await revokeAtProviders(s, orphans, revoked);
    return revoked;
  });
}

export async function listUsers(opts: AdminOptions = {}): Promise<UserSummary[]> {
  return withVault(opts, (s) => listUserRows(s.store, s.app.id));
}

export interface RemovedUser {
  subject: string;
  issuer: string | null;
  revokedGrants: string[];
}

/** Deprovisions: the user's tokens stop working and every grant they own is revoked at once. */
export async function removeUser(opts: AdminOptions & { subject: string; issuer?: string; reason?: string }): Promise<RemovedUser> {
  return withVault(opts, async (s) => deprovisionUser(s, await pickUser(s, opts.subject, opts.issuer), opts.reason ?? "user removed"));
}

// The same subject may exist at several issuers: the current IDP's, unless --issuer says which.
async function pickUser(s: AdminState, subject: string, issuer: string | undefined): Promise<UserRecord> {
  const all = await s.store.users.bySubject(s.app.id, subject);
  const current = (await loadIdpConfig(s.store, s.app.id))?.issuer;
  const wanted = issuer ?? current;
  const user = wanted === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((u) => u.issuer === wanted);
  if (user) return user;
  if (all.length === 0) throw new VaultUsageError(`No user with subject ${quoted(subject)} has been seen by this vault (see \`alter-gen vault users list\`).`);
  const others = all.map((u) => u.issuer ?? "(unknown issuer)").join(", ");
  const which = wanted === undefined ? `Several users have the subject ${quoted(subject)} and no IDP is set to choose` : `No user with subject ${quoted(subject)} at ${maskSecrets(wanted)}`;
  throw new VaultUsageError(`${which}; this subject was seen at ${others}. Pass --issuer to pick one.`);
}

export async function deprovisionUser(s: AdminState, target: UserRecord, reason: string): Promise<RemovedUser> {
  // The removal, the revocations and the audit row commit together, or nothing does. The grants
  // are read inside, so one connected meanwhile is revoked too (read with its tokens, for below).
  const { user, owned, revoked } = await s.store.sql.transaction(async (tx) => {
    const user = (await markUserRemoved(s.store, target.id, s.now(), tx))!;
    const owned = await s.store.grants.liveBoundTo(s.app.id, { userId: user.id }, tx);
    const revoked = await revokeIn(tx, s, owned, reason);
    auditAdmin(s, "users remove", { details: { subject: user.subject, issuer: user.issuer, revokedGrants: revoked.length } });
    return { user, owned, revoked };
  });
  await revokeAtProviders(s, owned, revoked);
  return { subject: user.subject, issuer: user.issuer, revokedGrants: revoked };
}

/** Revokes `grants` in the vault, in `tx`; the ids revoked (one revoked meanwhile by someone else is not). */
async function revokeIn(tx: SqlRunner, s: AdminState, grants: readonly GrantRecord[], reason: string): Promise<string[]> {
  const revoked: string[] = [];
  for (const g of grants) if (await s.store.grants.revoke(s.app.id, g.id, reason, s.now(), tx)) revoked.push(g.id);
  return revoked;
}

/**
 * Asks the providers to revoke the tokens of the grants just revoked, after the vault's own
 * change committed: the vault stops using them at once, not after N provider round trips, and
 * no network call runs inside a transaction. `grants` were read before the revocation, so they
 * still hold the tokens. Best effort: a failure is audited by revokeAtProvider itself.
 */
async function revokeAtProviders(s: AdminState, grants: readonly GrantRecord[], revoked: readonly string[]): Promise<void> {
  const ctx = vaultContext(s, s.app);
  for (const g of grants) {
    if (g.source === "oauth" && revoked.includes(g.id)) await revokeAtProvider(ctx, g).catch(() => undefined);
  }
}
