// The domain's context: the running vault, the app a use case acts for, and who is calling.
// Nothing here knows HTTP. vault/http builds these values from a request (SignedContext and
// UnsignedContext extend them), the admin functions from an opened data folder, and an approved
// call from its stored approval; domain folders (grants, oauth, identity, proxy, approvals,
// audit) take them and never import vault/http.
import type { CatalogProvider } from "../catalog/index.js";
import type { AtRest } from "./crypto/at-rest.js";
import type { Store } from "./storage/store/index.js";
import type { AppRecord } from "./storage/apps.js";
import type { AuditLog } from "./audit/log.js";
import type { AuditSink } from "./audit/request-audit.js";

/** State shared by everything one running vault (a server, or one admin command) does. */
export interface VaultState {
  /** The data folder: the master key file, and on SQLite the database and audit checkpoint. */
  dataDir: string;
  /** The asynchronous store (SQLite or PostgreSQL): where every use case reads and writes. */
  store: Store;
  crypto: AtRest;
  /** Milliseconds since the epoch; injectable for tests. */
  now: () => number;
  /** When this process started serving; requests signed before it are refused as replays. */
  startedAt: number;
  audit: AuditLog;
  /** The catalog entry of a provider id (specs/providers.yaml), or undefined. */
  catalogProvider: (id: string) => CatalogProvider | undefined;
  /** The vault's own base URL as clients reach it (e.g. http://127.0.0.1:7420), no trailing slash. */
  baseUrl: string;
}

/** A vault opened on a data folder (and maybe a PostgreSQL database), with the app it holds (vault/state.ts). */
export type OpenedVault = VaultState & {
  app: AppRecord;
  /** Drains the audit log, then closes it and the store (the SQLite file or the pool). Idempotent. */
  close(): Promise<void>;
};

/** A verified end user (from Alter-User-Token), as vault/identity/verify.ts returns it. */
export interface VerifiedUser {
  userId: string;
  /** The IDP issuer that vouched for the token; its groups are group ids at this issuer. */
  issuer: string;
  subject: string;
  groups: string[];
}

/** What every use case runs in: the running vault and the app it acts for. */
export interface VaultContext {
  vault: VaultState;
  store: Store;
  crypto: AtRest;
  now: () => number;
  /** Where the use case's audit rows go (a request's sink notes whether its handler wrote one). */
  audit: AuditSink;
  /** The app acted for (from the API key; the only app for browser pages and admin commands). */
  app: AppRecord;
}

/** Who is calling: an audit attribute and, for the end user, an access boundary. */
export interface Caller {
  /** The id of the API key the request was signed with; null for browser pages. */
  keyId: string | null;
  /** The verified end user when the request carried Alter-User-Token, else null. */
  user: VerifiedUser | null;
  /** The caller's address (behind a trusted proxy, the forwarded one). */
  remoteAddress: string;
}

/** A use case that acts for a caller. */
export interface CallerContext extends VaultContext {
  caller: Caller;
}

/** The context of a use case run by the vault itself (an admin command, an approved call). */
export function vaultContext(state: VaultState, app: AppRecord, audit: AuditSink = state.audit): VaultContext {
  return { vault: state, store: state.store, crypto: state.crypto, now: state.now, audit, app };
}
